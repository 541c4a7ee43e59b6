ALTER TABLE `files` ADD `placeholder` text;--> statement-breakpoint
ALTER TABLE `files` ADD `thumbnail` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `files` ADD `prepared_at` integer;--> statement-breakpoint
CREATE INDEX `files_unprepared_idx` ON `files` (`message_id`) WHERE prepared_at IS NULL AND message_id IS NOT NULL;