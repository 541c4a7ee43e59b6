CREATE TABLE `sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`label` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_unique` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `sign_in_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code_hash` text NOT NULL,
	`user_id` integer NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sign_in_links_code_hash_unique` ON `sign_in_links` (`code_hash`);--> statement-breakpoint
CREATE INDEX `sign_in_links_user_idx` ON `sign_in_links` (`user_id`);--> statement-breakpoint
-- Each existing token becomes its user's one session.
INSERT INTO `sessions` (`user_id`, `token_hash`, `label`, `created_at`, `last_used_at`) SELECT `id`, `token`, 'Earlier device', `created_at`, `created_at` FROM `users`;--> statement-breakpoint
DROP INDEX `users_token_unique`;--> statement-breakpoint
ALTER TABLE `users` ADD `role` text;--> statement-breakpoint
ALTER TABLE `users` ADD `deactivated_at` integer;--> statement-breakpoint
ALTER TABLE `users` DROP COLUMN `token`;--> statement-breakpoint
-- The first to join owns the server.
UPDATE `users` SET `role` = 'owner' WHERE `id` = (SELECT min(`id`) FROM `users`);--> statement-breakpoint
ALTER TABLE `conversation_members` ADD `joined_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `title` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `created_by` integer REFERENCES users(id);--> statement-breakpoint
-- A group's creator was the first member stored.
UPDATE `conversations` SET `created_by` = (SELECT `user_id` FROM `conversation_members` WHERE `conversation_id` = `conversations`.`id` ORDER BY `rowid` LIMIT 1) WHERE `type` = 'group';--> statement-breakpoint
ALTER TABLE `invites` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `invites` ADD `max_uses` integer;--> statement-breakpoint
ALTER TABLE `invites` ADD `uses` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `invites` ADD `revoked_at` integer;--> statement-breakpoint
-- Invites made so far were single-use and never expired.
UPDATE `invites` SET `max_uses` = 1, `uses` = CASE WHEN `used_by` IS NULL THEN 0 ELSE 1 END;
