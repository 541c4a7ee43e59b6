import type { ConversationType, Message } from '@hearth/protocol';
import type { ChangeLog } from './change-log.js';
import { type Database, type Tx } from './database.js';
import { statement } from './statement.js';
import { toUser, USER_COLUMNS, type UserRow } from './rows.js';
import type { ChangeRecord, CreatedConversation, DirectorySnapshot, GroupAct, NewConversation, NewGroupLine } from './types.js';

const USERS = statement('directory.users', `SELECT ${USER_COLUMNS} FROM users u ORDER BY u.id`);
// One index probe per conversation for its newest message, where a GROUP BY over messages would read the whole index.
const CONVERSATIONS = statement(
  'directory.conversations',
  `SELECT c.id, c.type, c.created_at, c.title, c.created_by, (SELECT max(m.id) FROM messages m WHERE m.conversation_id = c.id)
   FROM conversations c ORDER BY c.id`,
);
const MEMBERS = statement('directory.members', 'SELECT conversation_id, user_id FROM conversation_members');
const LOBBY = statement('conversations.lobby', "SELECT id FROM conversations WHERE type = 'lobby' LIMIT 1");
const INSERT_LOBBY = statement('conversations.insert_lobby', "INSERT INTO conversations (type, created_at) VALUES ('lobby', $1) RETURNING id");
// Two people opening their DM at the same moment get the same one.
const INSERT = statement(
  'conversations.insert',
  'INSERT INTO conversations (type, dm_key, created_at, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT (dm_key) DO NOTHING RETURNING id',
);
const BY_DM_KEY = statement('conversations.by_dm_key', 'SELECT id, created_at FROM conversations WHERE dm_key = $1');
const INSERT_MEMBER = statement('conversations.insert_member', 'INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES ($1, $2, $3)');
const TITLE_OF = statement('groups.title_of', 'SELECT title FROM conversations WHERE id = $1');
const SET_TITLE = statement('groups.set_title', 'UPDATE conversations SET title = $2 WHERE id = $1');
const IS_MEMBER = statement('groups.is_member', 'SELECT 1 FROM conversation_members WHERE conversation_id = $1 AND user_id = $2');
// Someone added has read what came before them, as a newcomer to the lobby has: the history is there to browse.
const ADD_MEMBER = statement(
  'groups.add_member',
  `INSERT INTO conversation_members (conversation_id, user_id, joined_at, joined_seq, last_read_id)
   VALUES ($1, $2, $3, $4, (SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = $1))`,
);
const DELETE_MEMBER = statement('groups.delete_member', 'DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2');
const INSERT_LINE = statement(
  'groups.insert_line',
  'INSERT INTO messages (conversation_id, user_id, content, client_id, created_at, event) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
);

/** Conversations, groups' names and who is in them: each act one transaction, with the changes it appends. */
export class Conversations {
  constructor(
    private readonly db: Database,
    private readonly log: ChangeLog,
  ) {}

  /** Users, conversations and memberships, for the in-memory directory at start. */
  async snapshot(): Promise<DirectorySnapshot> {
    const [users, conversations, members] = await Promise.all([
      this.db.rows<UserRow>(USERS),
      this.db.rows<[number, ConversationType, number, string | null, number | null, number | null]>(CONVERSATIONS),
      this.db.rows<[number, number]>(MEMBERS),
    ]);
    return {
      users: users.map(toUser),
      conversations: conversations.map(([id, type, createdAt, title, createdBy, lastMessageId]) => ({ id, type, createdAt, title, createdBy, lastMessageId })),
      members: members.map(([conversationId, userId]) => ({ conversationId, userId })),
    };
  }

  /** The lobby's id, creating the lobby on first start; in a transaction, so processes starting together make one. */
  ensureLobby(createdAt: number): Promise<number> {
    return this.db.write(async (tx) => {
      const [lobby] = await tx.rows<[number]>(LOBBY);
      return lobby?.[0] ?? (await tx.rows<[number]>(INSERT_LOBBY, [createdAt]))[0]![0];
    });
  }

  /** Creates a DM or group with its members and appends `conversation_created`; a DM that exists is returned instead. */
  create(c: NewConversation): Promise<CreatedConversation> {
    return this.log.write(async (tx): Promise<CreatedConversation> => {
      const [row] = await tx.rows<[number]>(INSERT, [c.type, c.dmKey, c.createdAt, c.createdBy]);
      if (row === undefined) {
        const [id, createdAt] = (await tx.rows<[number, number]>(BY_DM_KEY, [c.dmKey]))[0]!;
        return { id, createdAt };
      }
      const [id] = row;
      for (const userId of c.memberIds) await tx.run(INSERT_MEMBER, [id, userId, c.createdAt]);
      const change = await this.log.append(tx, { kind: 'conversation_created', conversationId: id, subjectId: id, createdAt: c.createdAt });
      return { id, createdAt: c.createdAt, change };
    });
  }

  /**
   * Names a group (null: no name) and appends `conversation_updated`, then the line telling of it; nothing when it
   * already had this title.
   */
  rename(conversationId: number, title: string | null, at: number, line: NewGroupLine): Promise<GroupAct> {
    return this.log.write(async (tx) => {
      const [current] = await tx.rows<[string | null]>(TITLE_OF, [conversationId]);
      if (current?.[0] === title) return { records: [] };
      await tx.run(SET_TITLE, [conversationId, title]);
      return this.told(tx, conversationId, [await this.updated(tx, conversationId, at)], line, at);
    });
  }

  /**
   * Adds users to a group, skipping those already in it. The group's own change comes first, and its seq is each
   * newcomer's `joined_seq`: catch-up shows them the group's changes after it, and tells them of the group itself by
   * the `conversation_created` in their own stream. The line telling of it (`lineFor` those actually added) comes
   * last, once the newcomers know the group, so they hear it too.
   */
  add(conversationId: number, userIds: readonly number[], at: number, lineFor: (newcomers: readonly number[]) => NewGroupLine): Promise<GroupAct> {
    return this.log.write(async (tx) => {
      const newcomers: number[] = [];
      for (const userId of userIds) if ((await tx.rows(IS_MEMBER, [conversationId, userId])).length === 0) newcomers.push(userId);
      if (newcomers.length === 0) return { records: [] };
      const updated = await this.updated(tx, conversationId, at);
      for (const userId of newcomers) await tx.run(ADD_MEMBER, [conversationId, userId, at, updated.seq]);
      const told = await this.log.appendAll(
        tx,
        newcomers.map((userId) => ({ kind: 'conversation_created', conversationId, subjectId: conversationId, createdAt: at, userId })),
      );
      return this.told(tx, conversationId, [updated, ...told], lineFor(newcomers), at);
    });
  }

  /**
   * Takes a user out of a group. The one who left hears it in their own stream, outside the group's (`conversation_id`
   * null): membership decides who reads the group's changes, and they are no longer a member. The line telling of it
   * follows, for those who stay: read by membership, it never reaches the one who went. Nothing when they were not a
   * member.
   */
  remove(conversationId: number, userId: number, at: number, line: NewGroupLine): Promise<GroupAct> {
    return this.log.write(async (tx) => {
      if ((await tx.run(DELETE_MEMBER, [conversationId, userId])) === 0) return { records: [] };
      const records = await this.log.appendAll(tx, [
        { kind: 'conversation_updated', conversationId, subjectId: conversationId, createdAt: at },
        { kind: 'conversation_updated', conversationId: null, subjectId: conversationId, createdAt: at, userId },
      ]);
      return this.told(tx, conversationId, records, line, at);
    });
  }

  /**
   * Stores the line telling of a group act as a message of the group, with its `message` change after the act's own:
   * its client_id is made from the act's first seq, so it is unique and says where the line came from.
   */
  private async told(tx: Tx, conversationId: number, records: ChangeRecord[], line: NewGroupLine, at: number): Promise<GroupAct> {
    const clientId = `group-event-${records[0]!.seq}`;
    const [[id]] = (await tx.rows<[number]>(INSERT_LINE, [conversationId, line.userId, line.content, clientId, at, JSON.stringify(line.event)])) as [[number]];
    const message: Message = { id: Number(id), conversation_id: conversationId, user_id: line.userId, content: line.content, client_id: clientId, created_at: at, event: line.event };
    const change = await this.log.append(tx, { kind: 'message', conversationId, subjectId: message.id, createdAt: at });
    return { records: [...records, change], line: message };
  }

  private updated(tx: Tx, conversationId: number, at: number): Promise<ChangeRecord> {
    return this.log.append(tx, { kind: 'conversation_updated', conversationId, subjectId: conversationId, createdAt: at });
  }
}
