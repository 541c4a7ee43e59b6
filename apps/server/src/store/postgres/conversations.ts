import { asc, eq, sql } from 'drizzle-orm';
import type { CreatedConversation, DirectorySnapshot, NewConversation } from '../store.js';
import type { ChangeLog } from './change-log.js';
import type { Conn } from './open.js';
import { conversationMembers, conversations, users } from './schema.js';
import { toUser, USER_COLUMNS } from './users.js';
import type { Tx } from './writer.js';

/** Conversations and their members in PostgreSQL. */
export class ConversationRows {
  constructor(private readonly log: ChangeLog) {}

  /** Inside a writer transaction, so processes starting together make one lobby. */
  async ensureLobby(tx: Tx, createdAt: number): Promise<number> {
    const [lobby] = await tx.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.type, 'lobby')).limit(1);
    if (lobby !== undefined) return lobby.id;
    const [made] = await tx.db.insert(conversations).values({ type: 'lobby', createdAt }).returning({ id: conversations.id });
    return made!.id;
  }

  async create(tx: Tx, c: NewConversation): Promise<CreatedConversation> {
    const [row] = await tx.db
      .insert(conversations)
      .values({ type: c.type, dmKey: c.dmKey, createdAt: c.createdAt, createdBy: c.createdBy })
      // Two people opening their DM at the same moment get the same one.
      .onConflictDoNothing({ target: conversations.dmKey })
      .returning({ id: conversations.id });
    if (row === undefined) {
      const [existing] = await tx.db.select({ id: conversations.id, createdAt: conversations.createdAt }).from(conversations).where(eq(conversations.dmKey, c.dmKey!));
      return existing!;
    }
    await tx.db.insert(conversationMembers).values(c.memberIds.map((userId) => ({ conversationId: row.id, userId, joinedAt: c.createdAt })));
    const change = await this.log.append(tx, 'conversation_created', row.id, row.id, c.createdAt);
    return { id: row.id, createdAt: c.createdAt, change };
  }

  async snapshot(on: Conn): Promise<DirectorySnapshot> {
    return {
      users: (await on.db.select(USER_COLUMNS).from(users).orderBy(asc(users.id))).map(toUser),
      conversations: await on.db
        .select({
          id: conversations.id,
          type: conversations.type,
          createdAt: conversations.createdAt,
          title: conversations.title,
          createdBy: conversations.createdBy,
          // One index probe per conversation, where a GROUP BY over messages would read the whole index. Qualified by
          // hand: Drizzle writes a column of the one table selected from unqualified, and `id` would be the message's.
          lastMessageId: sql<number | null>`(SELECT max(m.id) FROM messages m WHERE m.conversation_id = "conversations"."id")`.mapWith(Number),
        })
        .from(conversations)
        .orderBy(asc(conversations.id)),
      members: await on.db.select({ conversationId: conversationMembers.conversationId, userId: conversationMembers.userId }).from(conversationMembers),
    };
  }
}
