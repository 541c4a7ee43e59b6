CREATE TABLE `files` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` integer NOT NULL,
	`name` text NOT NULL,
	`size` integer NOT NULL,
	`type` text NOT NULL,
	`width` integer,
	`height` integer,
	`created_at` integer NOT NULL,
	`message_id` integer,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `files_owner_idx` ON `files` (`owner_id`);--> statement-breakpoint
CREATE INDEX `files_message_idx` ON `files` (`message_id`) WHERE message_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `files_unsent_idx` ON `files` (`created_at`) WHERE message_id IS NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `attachments` text;