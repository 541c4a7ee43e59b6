import { sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { conversationMembers } from './schema.js';

/** The prepared insert of one membership row: `{ conversationId, userId, now }`. */
export function prepareInsertMember(db: Db) {
  return db
    .insert(conversationMembers)
    .values({
      conversationId: sql.placeholder('conversationId'),
      userId: sql.placeholder('userId'),
      joinedAt: sql.placeholder('now'),
    })
    .prepare();
}
