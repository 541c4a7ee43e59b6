CREATE TABLE `consumers` (
	`name` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`holder` text,
	`lease_until` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- The search index is kept by a consumer of the change log (src/consumers/search-index.ts), beside the send path:
-- no trigger writes it in the transaction that stores a message. The index keeps its own copy of each message's
-- text, so that it can take a message's words out by id once the message has been edited or deleted (an
-- external-content index needs the old text for that, which is gone by then); a deleted message's copy goes with
-- its words.
DROP TRIGGER `messages_fts_insert`;--> statement-breakpoint
DROP TRIGGER `messages_fts_delete`;--> statement-breakpoint
DROP TRIGGER `messages_fts_update`;--> statement-breakpoint
DROP TABLE `messages_fts`;--> statement-breakpoint
-- Sender and conversation are indexed as words of their own columns (`c12`, `u7`), so a search is narrowed to the searcher's
-- conversations inside the index. Words are also indexed by their first 3 and 4 characters: a search for the start of
-- a word (`cha*`, as one types) then reads one list lazily, newest first.
CREATE VIRTUAL TABLE `search_words` USING fts5(content, conversation_id, user_id, tokenize='unicode61 remove_diacritics 2', prefix='3 4');--> statement-breakpoint
-- A deletion removes the message's terms from the index pages at once: a deleted message's words must not stay in the file.
INSERT INTO `search_words`(`search_words`, rank) VALUES ('secure-delete', 1);--> statement-breakpoint
INSERT INTO `search_words`(rowid, content, conversation_id, user_id) SELECT id, content, 'c' || conversation_id, 'u' || user_id FROM `messages` WHERE deleted_at IS NULL;--> statement-breakpoint
INSERT INTO `consumers` (name, seq) VALUES ('search', (SELECT coalesce(max(seq), 0) FROM `changes`));
