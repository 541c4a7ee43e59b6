CREATE TABLE "servers" (
	"holder" text PRIMARY KEY NOT NULL,
	"started_at" bigint NOT NULL,
	"lease_until" bigint NOT NULL
);
