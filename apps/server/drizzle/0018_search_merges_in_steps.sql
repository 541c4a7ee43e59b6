-- The search index's segments are merged in small steps of their own (store/search.ts), not at the end of the
-- transaction that indexes a batch: a merge there could hold the event loop for tens of milliseconds. Should the
-- steps fall behind, a level of 64 segments is still merged at once.
INSERT INTO search_words(search_words, rank) VALUES ('automerge', 0);--> statement-breakpoint
INSERT INTO search_words(search_words, rank) VALUES ('crisismerge', 64);
