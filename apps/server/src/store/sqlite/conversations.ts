import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { conversationMembers, conversations, users } from './schema.js';
import { toUser, USER_COLUMNS } from './users.js';
import type { ChangeLog } from './change-log.js';
import type { CreatedConversation, DirectorySnapshot, NewConversation } from '../store.js';

/** Conversations and their members in SQLite. */
export class ConversationRows {
  private readonly insert;
  private readonly insertMember;
  private readonly byDmKey;
  private readonly lobby;
  private readonly createInOneTransaction;

  constructor(
    private readonly db: Db,
    private readonly log: ChangeLog,
  ) {
    const p = sql.placeholder;
    this.insert = db
      .insert(conversations)
      .values({ type: p('type'), dmKey: p('dmKey'), createdAt: p('createdAt'), createdBy: p('createdBy') })
      // Two people opening their DM at the same moment get the same one.
      .onConflictDoNothing({ target: conversations.dmKey })
      .returning({ id: conversations.id })
      .prepare();
    this.insertMember = db
      .insert(conversationMembers)
      .values({ conversationId: p('conversationId'), userId: p('userId'), joinedAt: p('createdAt') })
      .prepare();
    this.byDmKey = db
      .select({ id: conversations.id, createdAt: conversations.createdAt })
      .from(conversations)
      .where(eq(conversations.dmKey, p('dmKey')))
      .prepare();
    this.lobby = db.select({ id: conversations.id }).from(conversations).where(eq(conversations.type, 'lobby')).limit(1).prepare();
    this.createInOneTransaction = db.$client.transaction((c: NewConversation) => this.createNow(c));
  }

  ensureLobby(createdAt: number): number {
    return this.lobby.get()?.id ?? this.insert.get({ type: 'lobby', dmKey: null, createdAt, createdBy: null })!.id;
  }

  create(conversation: NewConversation): CreatedConversation {
    return this.createInOneTransaction.immediate(conversation);
  }

  private createNow(c: NewConversation): CreatedConversation {
    const row = this.insert.get({ type: c.type, dmKey: c.dmKey, createdAt: c.createdAt, createdBy: c.createdBy });
    if (row === undefined) return this.byDmKey.get({ dmKey: c.dmKey })!;
    for (const userId of c.memberIds) this.insertMember.run({ conversationId: row.id, userId, createdAt: c.createdAt });
    const change = this.log.append('conversation_created', row.id, row.id, c.createdAt);
    return { id: row.id, createdAt: c.createdAt, change };
  }

  snapshot(): DirectorySnapshot {
    return {
      users: this.db.select(USER_COLUMNS).from(users).orderBy(asc(users.id)).all().map(toUser),
      conversations: this.db
        .select({
          id: conversations.id,
          type: conversations.type,
          createdAt: conversations.createdAt,
          title: conversations.title,
          createdBy: conversations.createdBy,
          // One index probe per conversation, where a GROUP BY over messages would read the whole index. Qualified by
          // hand: Drizzle writes a column of the one table selected from unqualified, and `id` would be the message's.
          lastMessageId: sql<number | null>`(SELECT max(m.id) FROM messages m WHERE m.conversation_id = "conversations"."id")`,
        })
        .from(conversations)
        .orderBy(asc(conversations.id))
        .all(),
      members: this.db
        .select({ conversationId: conversationMembers.conversationId, userId: conversationMembers.userId })
        .from(conversationMembers)
        .all(),
    };
  }
}
