ALTER TABLE `messages` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `reply_to_id` integer REFERENCES messages(id);--> statement-breakpoint
ALTER TABLE `messages` ADD `mentions` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `reactions` text;