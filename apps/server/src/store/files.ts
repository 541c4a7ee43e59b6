import { PREPARED_IMAGE_TYPES } from '@hearth/protocol';
import type { Database } from './database.js';
import { statement } from './statement.js';
import type { FileRow, FileWhere, NewFile } from './types.js';

const FILE_COLUMNS = 'f.id, f.owner_id, f.name, f.size, f.type, f.width, f.height, f.created_at, f.message_id, f.placeholder, f.thumbnail, f.prepared_at';
type Row = [
  string, number, string, number | string, string, number | null, number | null, number | string, number | string | null,
  string | null, number, number | string | null,
];
const ROW_LENGTH = 12;

// Recorded only while the owner's files stay within their quota: the check and the insert are one statement. The
// casts tell PostgreSQL the values' types, which a SELECT list does not.
const ADD = statement(
  'files.add',
  `INSERT INTO files (id, owner_id, name, size, type, width, height, created_at)
   SELECT CAST($1 AS text), CAST($2 AS integer), CAST($3 AS text), CAST($4 AS bigint), CAST($5 AS text), CAST($6 AS integer),
     CAST($7 AS integer), CAST($8 AS bigint)
   WHERE (SELECT coalesce(sum(size), 0) FROM files WHERE owner_id = CAST($2 AS integer)) + CAST($4 AS bigint) <= CAST($9 AS bigint)`,
);
// Made by the server for a message (a link preview's picture): sent already, and prepared.
const ADD_OF_MESSAGE = statement(
  'files.add_of_message',
  `INSERT INTO files (id, owner_id, name, size, type, width, height, created_at, message_id, prepared_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8)`,
);
const USED = statement('files.used', 'SELECT coalesce(sum(size), 0) FROM files WHERE owner_id = $1');
const WHERE = statement(
  'files.where',
  `SELECT ${FILE_COLUMNS}, m.conversation_id, m.deleted_at FROM files f LEFT JOIN messages m ON m.id = f.message_id WHERE f.id = $1`,
);
const OF_DELETED_MESSAGE = statement(
  'files.of_deleted_message',
  'SELECT f.id FROM files f JOIN messages m ON m.id = f.message_id WHERE f.message_id = $1 AND m.deleted_at IS NOT NULL',
);
const OF_DELETED_MESSAGES = statement(
  'files.of_deleted_messages',
  'SELECT f.id FROM files f JOIN messages m ON m.id = f.message_id WHERE m.deleted_at IS NOT NULL LIMIT $1',
);
/** Pictures sent and not prepared yet, oldest first; the types are the protocol's constants, not input. */
const UNPREPARED = statement(
  'files.unprepared',
  `SELECT id FROM files WHERE prepared_at IS NULL AND message_id IS NOT NULL
     AND type IN (${PREPARED_IMAGE_TYPES.map((type) => `'${type}'`).join(', ')}) ORDER BY message_id LIMIT $1`,
);
const UNSENT_BEFORE = statement('files.unsent_before', 'SELECT id FROM files WHERE message_id IS NULL AND created_at < $1 LIMIT $2');
const REMOVE = statement('files.remove', 'DELETE FROM files WHERE id = $1');
const REMOVE_UNSENT = statement('files.remove_unsent', 'DELETE FROM files WHERE id = $1 AND message_id IS NULL');

function toFile(row: Row): FileRow {
  const [id, ownerId, name, size, type, width, height, createdAt, messageId, placeholder, thumbnail, preparedAt] = row;
  return {
    id, ownerId, name, size: Number(size), type, width, height, createdAt: Number(createdAt),
    messageId: messageId === null ? null : Number(messageId),
    placeholder, thumbnail: Number(thumbnail) === 1, preparedAt: preparedAt === null ? null : Number(preparedAt),
  };
}

/**
 * Uploaded files' rows: whose each is, what it is, and the message it was sent with. Sending one is part of storing
 * its message (store/messages.ts); the bytes are the blob store's.
 */
export class Files {
  constructor(private readonly db: Database) {}

  /** Records an upload unless it would take its owner past `quota` bytes; whether it did. */
  async add(file: NewFile, quota: number): Promise<boolean> {
    const { id, ownerId, name, size, type, width, height, createdAt } = file;
    return (await this.db.run(ADD, [id, ownerId, name, size, type, width, height, createdAt, quota])) === 1;
  }

  /** Records a file the server made for a message, counted as its sender's (a link preview's picture). */
  async addOfMessage(file: NewFile, messageId: number): Promise<void> {
    const { id, ownerId, name, size, type, width, height, createdAt } = file;
    await this.db.run(ADD_OF_MESSAGE, [id, ownerId, name, size, type, width, height, createdAt, messageId]);
  }

  /** Bytes of the user's files, sent or not. */
  async used(userId: number): Promise<number> {
    return Number((await this.db.rows<[number | string]>(USED, [userId]))[0]![0]);
  }

  /** A file with the conversation it was sent in; undefined when there is none. */
  async where(id: string): Promise<FileWhere | undefined> {
    const [row] = await this.db.rows<[...Row, number | null, number | null]>(WHERE, [id]);
    if (row === undefined) return undefined;
    return { ...toFile(row.slice(0, ROW_LENGTH) as Row), conversationId: row[ROW_LENGTH], deleted: row[ROW_LENGTH + 1] !== null };
  }

  /** The files a deleted message was sent with (none while it is not deleted). */
  async ofDeletedMessage(messageId: number): Promise<string[]> {
    return (await this.db.rows<[string]>(OF_DELETED_MESSAGE, [messageId])).map(([id]) => id);
  }

  /** Up to `limit` files whose messages were deleted: what the consumer that removes them has not done yet. */
  async ofDeletedMessages(limit: number): Promise<string[]> {
    return (await this.db.rows<[string]>(OF_DELETED_MESSAGES, [limit])).map(([id]) => id);
  }

  /** Up to `limit` pictures sent and waiting to be prepared (`isPreparedImage`), in the order they were sent. */
  async unprepared(limit: number): Promise<string[]> {
    return (await this.db.rows<[string]>(UNPREPARED, [limit])).map(([id]) => id);
  }

  /** Up to `limit` uploads made before `before` (seconds) and never sent. */
  async unsentBefore(before: number, limit: number): Promise<string[]> {
    return (await this.db.rows<[string]>(UNSENT_BEFORE, [before, limit])).map(([id]) => id);
  }

  /** Forgets a file whose bytes are gone. */
  async remove(id: string): Promise<void> {
    await this.db.run(REMOVE, [id]);
  }

  /** Forgets an upload unless it was sent meanwhile; whether it did (and so its bytes may go). */
  async removeUnsent(id: string): Promise<boolean> {
    return (await this.db.run(REMOVE_UNSENT, [id])) === 1;
  }
}
