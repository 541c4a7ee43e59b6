-- Full-text search over messages. External content: the text stays in `messages` alone, and the index holds terms and
-- message ids, kept in step by the triggers below. A deleted message's content is '', so its words drop out.
-- Sender and conversation are indexed as words of their own columns, so a search filtered by them intersects lists
-- inside the index instead of testing every match against the row.
-- Words are also indexed by their first 3 and 4 characters: a search for the start of a word (`cha*`, as one types)
-- then reads one list lazily, newest first, instead of merging the whole list of every word that starts so.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(content, conversation_id, user_id, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='3 4');--> statement-breakpoint
-- A deletion removes the message's terms from the index pages at once, rather than marking them deleted until a later
-- merge: a deleted message's words must not stay in the file.
INSERT INTO `messages_fts`(`messages_fts`, rank) VALUES ('secure-delete', 1);--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `messages_fts`(rowid, content, conversation_id, user_id) VALUES (new.id, new.content, new.conversation_id, new.user_id);
END;--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, content, conversation_id, user_id) VALUES ('delete', old.id, old.content, old.conversation_id, old.user_id);
END;--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF content ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, content, conversation_id, user_id) VALUES ('delete', old.id, old.content, old.conversation_id, old.user_id);
  INSERT INTO `messages_fts`(rowid, content, conversation_id, user_id) VALUES (new.id, new.content, new.conversation_id, new.user_id);
END;--> statement-breakpoint
INSERT INTO `messages_fts`(`messages_fts`) VALUES ('rebuild');
