CREATE TABLE "consumers" (
	"name" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"holder" text,
	"lease_until" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- The search index is kept by a consumer of the change log (src/consumers/search-index.ts), beside the send path:
-- the index over `messages` itself was written in the transaction that stores a message. One row per message that
-- has words, as SQLite's search_words; a message edited or deleted is written again by id.
DROP INDEX "messages_search_idx";--> statement-breakpoint
CREATE TABLE "message_words" (
	"message_id" bigint PRIMARY KEY NOT NULL REFERENCES "messages" ("id") ON DELETE CASCADE,
	"conversation_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"words" tsvector NOT NULL
);--> statement-breakpoint
CREATE INDEX "message_words_idx" ON "message_words" USING gin ("words");--> statement-breakpoint
INSERT INTO "message_words" SELECT id, conversation_id, user_id, hearth_search_vector(content) FROM "messages" WHERE deleted_at IS NULL;--> statement-breakpoint
INSERT INTO "consumers" (name, seq) VALUES ('search', (SELECT coalesce(max(seq), 0) FROM "changes"));
