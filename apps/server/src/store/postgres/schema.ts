import { sql } from 'drizzle-orm';
import { bigint, foreignKey, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

// The SQLite schema (../sqlite/schema.ts) in PostgreSQL: the same tables, columns, keys and indexes, which
// test/store/postgres-schema.test.ts checks on both live databases. What each column means is written there.
// Timestamps are Unix seconds as there, in bigint so they run past 2038; message ids and seqs, which grow with
// every message, are bigint too. Both are read as JS numbers. The full-text index is a hand-written migration
// (drizzle-pg/0001_search.sql).

/** A bigint read as a JS number: Unix seconds, message ids, seqs. */
const big = (name: string) => bigint(name, { mode: 'number' });

export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  nickname: text('nickname').notNull().unique(),
  nicknameKey: text('nickname_key').notNull().unique(),
  createdAt: big('created_at').notNull(),
  role: text('role', { enum: ['owner', 'admin'] }),
  deactivatedAt: big('deactivated_at'),
  status: text('status'),
  lastActiveAt: big('last_active_at'),
});

export const sessions = pgTable(
  'sessions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    tokenHash: text('token_hash').notNull().unique(),
    label: text('label').notNull(),
    createdAt: big('created_at').notNull(),
    lastUsedAt: big('last_used_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const signInLinks = pgTable(
  'sign_in_links',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    codeHash: text('code_hash').notNull().unique(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: big('created_at').notNull(),
    expiresAt: big('expires_at').notNull(),
    usedAt: big('used_at'),
  },
  (t) => [index('sign_in_links_user_idx').on(t.userId)],
);

export const invites = pgTable(
  'invites',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull(),
    createdBy: integer('created_by').references(() => users.id),
    usedBy: integer('used_by').references(() => users.id),
    createdAt: big('created_at').notNull(),
    usedAt: big('used_at'),
    expiresAt: big('expires_at'),
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    revokedAt: big('revoked_at'),
  },
  (t) => [uniqueIndex('invites_code_idx').on(t.code)],
);

export const conversations = pgTable('conversations', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  type: text('type', { enum: ['lobby', 'dm', 'group'] }).notNull(),
  dmKey: text('dm_key').unique(),
  createdAt: big('created_at').notNull(),
  title: text('title'),
  createdBy: integer('created_by').references(() => users.id),
});

export const conversationMembers = pgTable(
  'conversation_members',
  {
    conversationId: integer('conversation_id').notNull(),
    userId: integer('user_id').notNull(),
    joinedAt: big('joined_at').notNull(),
    joinedSeq: big('joined_seq').notNull().default(0),
    lastReadId: big('last_read_id').notNull().default(0),
    notify: text('notify', { enum: ['all', 'mentions', 'none'] }),
    stateSeq: big('state_seq'),
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

export const messages = pgTable(
  'messages',
  {
    id: big('id').primaryKey().generatedByDefaultAsIdentity(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    content: text('content').notNull(),
    clientId: text('client_id').notNull(),
    createdAt: big('created_at').notNull(),
    editedAt: big('edited_at'),
    deletedAt: big('deleted_at'),
    replyToId: big('reply_to_id'),
    /** JSON, as text: as in SQLite, read whole with every message and never queried inside but for mentions. */
    mentions: text('mentions'),
    reactions: text('reactions'),
    /** JSON, as text: a group change line's `{ kind, users?, title? }`, read whole and never queried inside. */
    event: text('event'),
    attachments: text('attachments'),
    /** JSON, as text: the `LinkPreview` of its first link, once fetched; null without one, and once removed or deleted. */
    preview: text('preview'),
  },
  (t) => [
    index('messages_conversation_id_idx').on(t.conversationId, t.id),
    uniqueIndex('messages_user_client_idx').on(t.userId, t.clientId),
    foreignKey({ columns: [t.replyToId], foreignColumns: [t.id] }),
  ],
);

export const changes = pgTable(
  'changes',
  {
    seq: big('seq').primaryKey().generatedByDefaultAsIdentity(),
    kind: text('kind', {
      enum: ['message', 'message_updated', 'conversation_created', 'user_joined', 'member_state_updated', 'user_updated', 'conversation_updated'],
    }).notNull(),
    conversationId: integer('conversation_id').references(() => conversations.id),
    userId: integer('user_id').references(() => users.id),
    subjectId: big('subject_id').notNull(),
    prevSeq: big('prev_seq').notNull(),
    createdAt: big('created_at').notNull(),
  },
  (t) => [
    index('changes_conversation_seq_idx').on(t.conversationId, t.seq),
    index('changes_user_seq_idx').on(t.userId, t.seq).where(sql`user_id IS NOT NULL`),
  ],
);

export const files = pgTable(
  'files',
  {
    id: text('id').primaryKey(),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    size: big('size').notNull(),
    type: text('type').notNull(),
    width: integer('width'),
    height: integer('height'),
    createdAt: big('created_at').notNull(),
    messageId: big('message_id').references(() => messages.id),
    /** A picture's ThumbHash (`Attachment.placeholder`), once prepared. */
    placeholder: text('placeholder'),
    /** 1 when a thumbnail is kept beside it (under `<id>-thumbnail`). */
    thumbnail: integer('thumbnail').notNull().default(0),
    /**
     * When a picture the server prepares (`isPreparedImage`) was prepared: turned upright, its metadata removed, its
     * size read. Null until then, and for any other file.
     */
    preparedAt: big('prepared_at'),
  },
  (t) => [
    index('files_owner_idx').on(t.ownerId),
    index('files_message_idx').on(t.messageId).where(sql`message_id IS NOT NULL`),
    index('files_unsent_idx').on(t.createdAt).where(sql`message_id IS NULL`),
    index('files_unprepared_idx').on(t.messageId).where(sql`prepared_at IS NULL AND message_id IS NOT NULL`),
  ],
);

export const settings = pgTable('settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    endpoint: text('endpoint').notNull().unique(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: big('created_at').notNull(),
  },
  (t) => [index('push_subscriptions_user_idx').on(t.userId)],
);

export const consumers = pgTable('consumers', {
  name: text('name').primaryKey(),
  seq: big('seq').notNull(),
  holder: text('holder'),
  leaseUntil: big('lease_until').notNull().default(0),
});

/** The server processes running on this database, as in the SQLite schema. */
export const servers = pgTable('servers', {
  holder: text('holder').primaryKey(),
  startedAt: big('started_at').notNull(),
  leaseUntil: big('lease_until').notNull(),
});

/**
 * Incoming webhooks: a secret URL that posts into one conversation as one bot (`POST /api/hooks/<token>`). Only the
 * token's hash is kept, as for sessions.
 */
export const webhooks = pgTable(
  'webhooks',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    botId: integer('bot_id')
      .notNull()
      .references(() => users.id),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: big('created_at').notNull(),
  },
  (t) => [index('webhooks_bot_idx').on(t.botId)],
);

/**
 * Outgoing webhooks: where a bot is told of messages that mention it or are sent to it in a DM, and the secret its
 * requests are signed with (HMAC-SHA256), which the receiver keeps too.
 */
export const botEndpoints = pgTable('bot_endpoints', {
  botId: integer('bot_id')
    .primaryKey()
    .references(() => users.id),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  createdAt: big('created_at').notNull(),
});
