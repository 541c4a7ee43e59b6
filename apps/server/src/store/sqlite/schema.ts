import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Mirrors schema.sql at the repo root; test/store/schema-matches-sql.test.ts fails on any drift.

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  nickname: text('nickname').notNull().unique(),
  /** NFKC + lower case: makes nicknames unique ignoring case. */
  nicknameKey: text('nickname_key').notNull().unique(),
  createdAt: integer('created_at').notNull(),
  /** 'owner' (the first to join) | 'admin'; null for a member. */
  role: text('role', { enum: ['owner', 'admin'] }),
  /** When an admin deactivated the account; null while it is active. */
  deactivatedAt: integer('deactivated_at'),
  /** What they say they are up to; null when they said nothing. */
  status: text('status'),
  /**
   * When a device of theirs was last used, as it was when their last session ended (deactivation deletes every
   * session); while they have sessions, theirs say it.
   */
  lastActiveAt: integer('last_active_at'),
});

/** One signed-in device: its bearer token, by hash. Signing out deletes the row. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    label: text('label').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** A one-time link that signs a device in as a user: for their next device, or to recover the account. */
export const signInLinks = sqliteTable(
  'sign_in_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** SHA-256 (hex) of the code: like a token, it signs in, so only its hash is kept. */
    codeHash: text('code_hash').notNull().unique(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** Who made it: the user themselves, an admin, or null for the operator's command. */
    createdBy: integer('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('sign_in_links_user_idx').on(t.userId)],
);

export const invites = sqliteTable(
  'invites',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    createdBy: integer('created_by').references(() => users.id),
    usedBy: integer('used_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    usedAt: integer('used_at'),
    /** Null: it never expires. */
    expiresAt: integer('expires_at'),
    /** Null: any number of uses. */
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('invites_code_idx').on(t.code)],
);

export const conversations = sqliteTable('conversations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  type: text('type', { enum: ['lobby', 'dm', 'group'] }).notNull(),
  /** "<low user id>:<high user id>" for a DM, so there is at most one DM per pair; null otherwise. */
  dmKey: text('dm_key').unique(),
  createdAt: integer('created_at').notNull(),
  /** A group's name; null when it has none. */
  title: text('title'),
  /** Who made a group; null for the lobby and DMs. */
  createdBy: integer('created_by').references(() => users.id),
});

export const conversationMembers = sqliteTable(
  'conversation_members',
  {
    conversationId: integer('conversation_id').notNull(),
    userId: integer('user_id').notNull(),
    joinedAt: integer('joined_at').notNull(),
    /**
     * The change that added this member to a group they did not create (0 otherwise): catch-up shows them the
     * conversation's changes after it, having told them of the conversation itself in their own stream.
     */
    joinedSeq: integer('joined_seq').notNull().default(0),
    /** The newest message this member has seen here; 0 when none. Only ever moves forward. */
    lastReadId: integer('last_read_id').notNull().default(0),
    /** 'all' | 'mentions' | 'none'; null: the conversation type's default. */
    notify: text('notify', { enum: ['all', 'mentions', 'none'] }),
    /**
     * The change that last set this member's state, and the unread counts it told (as of that change). Catch-up tells
     * only the change whose seq is here: an older one of the same member is superseded.
     */
    stateSeq: integer('state_seq'),
    stateUnread: integer('state_unread').notNull().default(0),
    stateMentions: integer('state_mentions').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    foreignKey({ columns: [t.conversationId], foreignColumns: [conversations.id] }),
    foreignKey({ columns: [t.userId], foreignColumns: [users.id] }),
    index('conversation_members_user_idx').on(t.userId),
  ],
);

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    content: text('content').notNull(),
    /** The sender's idempotency key: a retried send finds the stored row instead of inserting another. */
    clientId: text('client_id').notNull(),
    createdAt: integer('created_at').notNull(),
    editedAt: integer('edited_at'),
    /** Set when the sender took the message back; the content is then '' and erased from the file. */
    deletedAt: integer('deleted_at'),
    /** The message this one answers, in the same conversation. */
    replyToId: integer('reply_to_id'),
    /** JSON array of the user ids the content mentions; null when none. */
    mentions: text('mentions'),
    /**
     * JSON array of `{ emoji, user_ids }` as the wire carries it; null when none. Read with every message and written
     * rarely, so it is kept as the summary on the row rather than assembled from a table on every read.
     */
    reactions: text('reactions'),
    /** JSON `{ kind, users?, title? }` of a line telling of a change to its group; null for a message someone said. */
    event: text('event'),
    /**
     * JSON array of the files sent with it, `{ id, name, size, type, width?, height? }` as the wire carries them; null
     * when none, and once deleted. A copy of their `files` rows, made when sent: read with every message, changed only as its pictures are prepared.
     */
    attachments: text('attachments'),
    /** JSON, as text: the `LinkPreview` of its first link, once fetched; null without one, and once removed or deleted. */
    preview: text('preview'),
  },
  (t) => [
    // History pages walk ids (timestamps are not unique), newest first.
    index('messages_conversation_id_idx').on(t.conversationId, t.id),
    uniqueIndex('messages_user_client_idx').on(t.userId, t.clientId),
    foreignKey({ columns: [t.replyToId], foreignColumns: [t.id] }),
  ],
);


/**
 * The change log: every change a client must learn, numbered. A row is written in the same transaction as the rows
 * it records; its seq is the cursor clients catch up from. What a row says is read from the rows it names (the
 * message, conversation or user), so a message's text lives in one place only.
 */
export const changes = sqliteTable(
  'changes',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    /** The event type that tells it: message, message_updated, conversation_created, user_joined. */
    kind: text('kind', { enum: ['message', 'message_updated', 'conversation_created', 'user_joined', 'member_state_updated', 'user_updated', 'conversation_updated'] }).notNull(),
    /** Whose members may see it; null for a change everyone may see. */
    conversationId: integer('conversation_id').references(() => conversations.id),
    /**
     * The one user who may see it (their own state, or a conversation they were added to or removed from), who must
     * also be a member of `conversation_id` when that is set; null: no such limit.
     */
    userId: integer('user_id').references(() => users.id),
    /** The message, conversation or user it is about. */
    subjectId: integer('subject_id').notNull(),
    /** The seq of the change before it in the same stream (0 if none), so clients can tell a gap. */
    prevSeq: integer('prev_seq').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('changes_conversation_seq_idx').on(t.conversationId, t.seq),
    // Partial: the message path, which never sets user_id, pays nothing for it.
    index('changes_user_seq_idx').on(t.userId, t.seq).where(sql`user_id IS NOT NULL`),
  ],
);

/**
 * Uploaded files: the bytes are in the blob store under `id`, these rows say whose they are and where they were sent.
 * A row without `message_id` is an upload not sent yet, deleted with its bytes after FILE_UNSENT_TTL_S.
 */
export const files = sqliteTable(
  'files',
  {
    /** 128 random bits in base64url: the blob's key, and unguessable, so it can name the file in URLs. */
    id: text('id').primaryKey(),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    size: integer('size').notNull(),
    /** The media type read from its bytes, never from its name. */
    type: text('type').notNull(),
    width: integer('width'),
    height: integer('height'),
    createdAt: integer('created_at').notNull(),
    /** The message it was sent with; null until then. */
    messageId: integer('message_id').references(() => messages.id),
    /** A picture's ThumbHash (`Attachment.placeholder`), once prepared. */
    placeholder: text('placeholder'),
    /** 1 when a thumbnail is kept beside it (under `<id>-thumbnail`). */
    thumbnail: integer('thumbnail').notNull().default(0),
    /**
     * When a picture the server prepares (`isPreparedImage`) was prepared: turned upright, its metadata removed, its
     * size read. Null until then, and for any other file.
     */
    preparedAt: integer('prepared_at'),
  },
  (t) => [
    index('files_owner_idx').on(t.ownerId),
    index('files_message_idx').on(t.messageId).where(sql`message_id IS NOT NULL`),
    index('files_unsent_idx').on(t.createdAt).where(sql`message_id IS NULL`),
    index('files_unprepared_idx').on(t.messageId).where(sql`prepared_at IS NULL AND message_id IS NOT NULL`),
  ],
);

/** Values the server makes once and keeps, such as its Web Push (VAPID) keys. */
export const settings = sqliteTable('settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/** Where to send a user's Web Push notifications: one row per browser that subscribed. */
export const pushSubscriptions = sqliteTable(
  'push_subscriptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    endpoint: text('endpoint').notNull().unique(),
    /** The browser's keys the payload is encrypted for (base64url). */
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('push_subscriptions_user_idx').on(t.userId)],
);

/**
 * Where each consumer of the change log stands: the search index, Web Push. A consumer reads the log after commit
 * from `seq` and moves it on once its work for those changes is done; `holder` runs it until `lease_until` (ms), so
 * among several processes one runs each consumer and another takes over when it stops renewing.
 */
export const consumers = sqliteTable('consumers', {
  name: text('name').primaryKey(),
  seq: integer('seq').notNull(),
  holder: text('holder'),
  leaseUntil: integer('lease_until').notNull().default(0),
});

/**
 * The server processes running on this database, each holding its row until `lease_until` (ms) and renewing it while
 * it runs; a clean stop deletes it. The operator command reads it to know whether a server would miss what it changes,
 * whatever port that server listens on.
 */
export const servers = sqliteTable('servers', {
  holder: text('holder').primaryKey(),
  startedAt: integer('started_at').notNull(),
  leaseUntil: integer('lease_until').notNull(),
});

/**
 * Incoming webhooks: a secret URL that posts into one conversation as one bot (`POST /api/hooks/<token>`). Only the
 * token's hash is kept, as for sessions.
 */
export const webhooks = sqliteTable(
  'webhooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    botId: integer('bot_id')
      .notNull()
      .references(() => users.id),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('webhooks_bot_idx').on(t.botId)],
);

/**
 * Outgoing webhooks: where a bot is told of messages that mention it or are sent to it in a DM, and the secret its
 * requests are signed with (HMAC-SHA256), which the receiver keeps too.
 */
export const botEndpoints = sqliteTable('bot_endpoints', {
  botId: integer('bot_id')
    .primaryKey()
    .references(() => users.id),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  createdAt: integer('created_at').notNull(),
});
