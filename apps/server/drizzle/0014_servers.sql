CREATE TABLE `servers` (
	`holder` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`lease_until` integer NOT NULL
);
