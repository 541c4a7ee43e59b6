ALTER TABLE "files" ADD COLUMN "placeholder" text;--> statement-breakpoint
ALTER TABLE "files" ADD COLUMN "thumbnail" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "files" ADD COLUMN "prepared_at" bigint;--> statement-breakpoint
CREATE INDEX "files_unprepared_idx" ON "files" USING btree ("message_id") WHERE prepared_at IS NULL AND message_id IS NOT NULL;