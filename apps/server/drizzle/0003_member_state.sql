ALTER TABLE `changes` ADD `user_id` integer REFERENCES users(id);--> statement-breakpoint
CREATE INDEX `changes_user_seq_idx` ON `changes` (`user_id`,`seq`) WHERE user_id IS NOT NULL;--> statement-breakpoint
ALTER TABLE `conversation_members` ADD `last_read_id` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversation_members` ADD `notify` text;--> statement-breakpoint
ALTER TABLE `conversation_members` ADD `state_seq` integer;--> statement-breakpoint
ALTER TABLE `conversation_members` ADD `state_unread` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversation_members` ADD `state_mentions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Members from before read markers existed have read everything so far, rather than finding the whole history unread.
UPDATE `conversation_members` SET `last_read_id` = coalesce((SELECT max(`id`) FROM `messages` WHERE `messages`.`conversation_id` = `conversation_members`.`conversation_id`), 0);
