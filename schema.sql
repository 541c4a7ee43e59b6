-- Hearth chat: the SQLite schema.
-- The server's Drizzle schema (apps/server/src/store/sqlite/schema.ts) and its migrations (apps/server/drizzle/) describe the
-- same database; apps/server/test/store/schema-matches-sql.test.ts compares the two column by column.
-- Timestamps are Unix seconds.

CREATE TABLE users (
  id           integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  nickname     text NOT NULL,
  -- Extension: NFKC + lower-cased nickname, so nicknames are unique ignoring case.
  nickname_key text NOT NULL,
  created_at   integer NOT NULL,
  -- Extension: roles and deactivation.
  role           text,                        -- 'owner' (the first to join) | 'admin'; null for a member
  deactivated_at integer,                     -- when an admin deactivated the account; null while active
  -- Extension: what they say they are up to (set_status); null when they said nothing.
  status         text,
  -- Extension: when a device of theirs was last used, kept when deactivation deletes their sessions.
  last_active_at integer
);
CREATE UNIQUE INDEX users_nickname_unique ON users (nickname);
CREATE UNIQUE INDEX users_nickname_key_unique ON users (nickname_key);

-- Extension: one row per signed-in device. Bearer tokens are kept as SHA-256 (hex); the token itself is shown once,
-- when the device signs in, and never stored. Signing out deletes the row.
CREATE TABLE sessions (
  id           integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id      integer NOT NULL REFERENCES users(id),
  token_hash   text NOT NULL,
  label        text NOT NULL,                 -- how the device named itself, e.g. 'Firefox on Linux'
  created_at   integer NOT NULL,
  last_used_at integer NOT NULL
);
CREATE UNIQUE INDEX sessions_token_hash_unique ON sessions (token_hash);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Extension: one-time links that sign a device in as a user (their next device, or account recovery).
CREATE TABLE sign_in_links (
  id         integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  code_hash  text NOT NULL,                   -- SHA-256 (hex) of the code
  user_id    integer NOT NULL REFERENCES users(id),
  created_by integer REFERENCES users(id),    -- the user, an admin, or null for the operator's command
  created_at integer NOT NULL,
  expires_at integer NOT NULL,
  used_at    integer
);
CREATE UNIQUE INDEX sign_in_links_code_hash_unique ON sign_in_links (code_hash);
CREATE INDEX sign_in_links_user_idx ON sign_in_links (user_id);

CREATE TABLE invites (
  id         integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  code       text NOT NULL,
  created_by integer REFERENCES users(id),   -- null for the invite made on first start
  used_by    integer REFERENCES users(id),   -- null until redeemed
  created_at integer NOT NULL,
  used_at    integer,
  -- Extension: expiry, uses and revocation.
  expires_at integer,                         -- null: never expires
  max_uses   integer,                         -- null: any number of uses
  uses       integer DEFAULT 0 NOT NULL,
  revoked_at integer
);
CREATE UNIQUE INDEX invites_code_idx ON invites (code);

CREATE TABLE conversations (
  id         integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  type       text NOT NULL,                  -- 'lobby' | 'dm' | 'group'
  -- Extension: '<low user id>:<high user id>' for a DM, so two people share at most one DM; null otherwise.
  dm_key     text,
  created_at integer NOT NULL,
  -- Extension: a group's name and creator.
  title      text,
  created_by integer REFERENCES users(id)
);
CREATE UNIQUE INDEX conversations_dm_key_unique ON conversations (dm_key);

CREATE TABLE conversation_members (
  conversation_id integer NOT NULL REFERENCES conversations(id),
  user_id         integer NOT NULL REFERENCES users(id),
  joined_at       integer NOT NULL,
  -- Extension: the member's own state, shared by their devices (read marker, notify level).
  last_read_id    integer DEFAULT 0 NOT NULL,   -- the newest message they have seen here; only moves forward
  notify          text,                         -- 'all' | 'mentions' | 'none'; null: the conversation type's default
  state_seq       integer,                      -- the change that last set this state
  state_unread    integer DEFAULT 0 NOT NULL,   -- unread counts as of state_seq
  state_mentions  integer DEFAULT 0 NOT NULL,
  -- Extension: the change that added them to a group they did not create (0 otherwise); catch-up starts after it.
  joined_seq      integer DEFAULT 0 NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user_idx ON conversation_members (user_id);

CREATE TABLE messages (
  id              integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  conversation_id integer NOT NULL REFERENCES conversations(id),
  user_id         integer NOT NULL REFERENCES users(id),
  content         text NOT NULL,                -- plain text, trimmed, at most 4000 characters
  -- Extension: the sender's idempotency key from send_message; a retry finds the stored row.
  client_id       text NOT NULL,
  created_at      integer NOT NULL,
  -- Extension: editing, deleting, replying, mentions and reactions.
  edited_at       integer,
  deleted_at      integer,                      -- taken back: content is '' and erased from the file
  reply_to_id     integer REFERENCES messages(id),  -- the message this one answers, same conversation
  mentions        text,                         -- JSON array of mentioned user ids; null when none
  reactions       text,                         -- JSON array of { emoji, user_ids }; null when none
  -- Extension: group change lines.
  event           text,                         -- JSON { kind, users?, title? } of a line telling of a group change; null otherwise
  -- Extension: photos and files. A copy of the sent files' rows, as the wire carries them; null when none or deleted.
  attachments     text,
  -- Extension: link previews. JSON { url, title, description?, site } of its first link; null without one.
  preview         text
);
-- History pages walk message ids, since timestamps in seconds are not unique.
CREATE INDEX messages_conversation_id_idx ON messages (conversation_id, id);
CREATE UNIQUE INDEX messages_user_client_idx ON messages (user_id, client_id);

-- Extension: full-text search. An FTS5 index over messages, written by a consumer of the change log after each
-- message is stored (never in the transaction that stores it), keeping its own copy of the text so that a message
-- edited or deleted can be taken out by id. Conversation and sender are indexed as words of their own columns (`c12`, `u7`), so a
-- search is narrowed to the searcher's conversations inside the index; words also by their first 3 and 4
-- characters, for searching as one types. 'secure-delete' takes a deleted message's words out of the index pages at once.
CREATE VIRTUAL TABLE search_words USING fts5(
  content, conversation_id, user_id,
  tokenize='unicode61 remove_diacritics 2', prefix='3 4'
);
INSERT INTO search_words(search_words, rank) VALUES ('secure-delete', 1);
-- Its segments are merged in short steps of their own after each batch is indexed, not when the batch commits; a level
-- is merged once it holds eight of them.
INSERT INTO search_words(search_words, rank) VALUES ('automerge', 0);
INSERT INTO search_words(search_words, rank) VALUES ('crisismerge', 64);
INSERT INTO search_words(search_words, rank) VALUES ('usermerge', 8);

-- Extension: the change log. Every change a client must learn (a message, a conversation, a new user) is numbered
-- here in the same transaction as the rows it records; `seq` is the cursor clients catch up from. Rows name what
-- they record (subject_id: a message, conversation or user id) rather than copying it. Old rows may be trimmed.
CREATE TABLE changes (
  seq             integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  kind            text NOT NULL,                -- 'message' | 'message_updated' | 'conversation_created' | 'user_joined' | 'member_state_updated' | 'user_updated' | 'conversation_updated'
  conversation_id integer REFERENCES conversations(id),  -- whose members may see it; null: everyone
  subject_id      integer NOT NULL,
  prev_seq        integer NOT NULL,             -- the change before it in the same stream, 0 if none
  created_at      integer NOT NULL,
  user_id         integer REFERENCES users(id)  -- the one user who may see it (their own state, a group they joined or left); null: no such limit
);
CREATE INDEX changes_conversation_seq_idx ON changes (conversation_id, seq);
CREATE INDEX changes_user_seq_idx ON changes (user_id, seq) WHERE user_id IS NOT NULL;

-- Extension: uploaded files. The bytes are in the blob store (a folder, or S3) under `id`; a row without message_id
-- is an upload not sent yet, deleted after a day. Deleting a message deletes its files' bytes and rows.
CREATE TABLE files (
  id              text PRIMARY KEY NOT NULL,    -- 128 random bits, base64url: unguessable, the blob's key
  owner_id        integer NOT NULL REFERENCES users(id),
  name            text NOT NULL,
  size            integer NOT NULL,
  type            text NOT NULL,                -- the media type read from its bytes
  width           integer,
  height          integer,
  created_at      integer NOT NULL,
  message_id      integer REFERENCES messages(id),  -- the message it was sent with; null until then
  placeholder     text,                         -- a prepared picture's ThumbHash, base64
  thumbnail       integer DEFAULT 0 NOT NULL,   -- 1: a thumbnail is kept beside it, under <id>-thumbnail
  prepared_at     integer                       -- when a picture was prepared (upright, metadata gone); null until then
);
CREATE INDEX files_owner_idx ON files (owner_id);
CREATE INDEX files_message_idx ON files (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX files_unsent_idx ON files (created_at) WHERE message_id IS NULL;
CREATE INDEX files_unprepared_idx ON files (message_id) WHERE prepared_at IS NULL AND message_id IS NOT NULL;

-- Extension: values the server makes once and keeps (its Web Push VAPID keys).
CREATE TABLE settings (
  name  text PRIMARY KEY NOT NULL,
  value text NOT NULL
);

-- Extension: where to send a user's Web Push notifications, one row per browser that subscribed.
CREATE TABLE push_subscriptions (
  id         integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id    integer NOT NULL REFERENCES users(id),
  endpoint   text NOT NULL,                     -- the push service URL for this browser
  p256dh     text NOT NULL,                     -- the browser's keys the payload is encrypted for (base64url)
  auth       text NOT NULL,
  created_at integer NOT NULL
);
CREATE UNIQUE INDEX push_subscriptions_endpoint_unique ON push_subscriptions (endpoint);
CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id);

-- Extension: where each consumer of the change log stands (the search index, Web Push): it reads the log from `seq`
-- and moves it on with its work. `holder` runs it until `lease_until` (ms since 1970), so among several processes
-- one runs each consumer, and another takes over once it stops renewing.
CREATE TABLE consumers (
  name        text PRIMARY KEY NOT NULL,
  seq         integer NOT NULL,
  holder      text,
  lease_until integer DEFAULT 0 NOT NULL
);

-- Extension: the server processes running on this database. Each holds its row until `lease_until` (ms since 1970)
-- and renews it while it runs; a clean stop deletes it. The operator command refuses to change accounts while one is
-- held, whatever port its server listens on.
CREATE TABLE servers (
  holder      text PRIMARY KEY NOT NULL,
  started_at  integer NOT NULL,
  lease_until integer NOT NULL
);

-- Extension: incoming webhooks. A secret URL (POST /api/hooks/<token>) that posts into one conversation as one bot;
-- only the token's hash is kept.
CREATE TABLE webhooks (
  id              integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  bot_id          integer NOT NULL REFERENCES users(id),
  conversation_id integer NOT NULL REFERENCES conversations(id),
  token_hash      text NOT NULL,
  created_by      integer REFERENCES users(id),  -- the admin who made it; null when made by the operator command
  created_at      integer NOT NULL
);
CREATE UNIQUE INDEX webhooks_token_hash_unique ON webhooks (token_hash);
CREATE INDEX webhooks_bot_idx ON webhooks (bot_id);

-- Extension: outgoing webhooks. Where a bot is told of messages that mention it or reach it in a DM, and the secret
-- the requests are signed with (HMAC-SHA256), which the receiver holds too.
CREATE TABLE bot_endpoints (
  bot_id     integer PRIMARY KEY NOT NULL REFERENCES users(id),
  url        text NOT NULL,
  secret     text NOT NULL,
  created_at integer NOT NULL
);
