-- A level of the search index's segments is merged once it holds eight, not four: each message's words are then
-- rewritten about half as often as the index grows, at the price of a few more segments for a search to read.
INSERT INTO search_words(search_words, rank) VALUES ('usermerge', 8);
