import type { ChangeRecord } from '../store.js';
import type { ChangeLog } from './change-log.js';
import { rows, run } from './open.js';
import type { Tx } from './writer.js';

const TITLE_OF = { name: 'groups.title_of', text: 'SELECT title FROM conversations WHERE id = $1' };
const SET_TITLE = { name: 'groups.set_title', text: 'UPDATE conversations SET title = $1 WHERE id = $2' };
const IS_MEMBER = { name: 'groups.is_member', text: 'SELECT 1 FROM conversation_members WHERE conversation_id = $1 AND user_id = $2' };
// Someone added has read what came before them, as a newcomer to the lobby has: the history is there to browse.
const INSERT_MEMBER = {
  name: 'groups.insert_member',
  text: `INSERT INTO conversation_members (conversation_id, user_id, joined_at, joined_seq, last_read_id)
    VALUES ($1, $2, $3, $4, (SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = $1))`,
};
const DELETE_MEMBER = { name: 'groups.delete_member', text: 'DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2' };

/** A group's name and who is in it, in PostgreSQL: each act inside a writer transaction, with the changes it appends. */
export class GroupRows {
  constructor(private readonly log: ChangeLog) {}

  async rename(tx: Tx, conversationId: number, title: string | null, at: number): Promise<ChangeRecord[]> {
    const [current] = await rows<[string | null]>(tx, TITLE_OF, [conversationId]);
    if (current?.[0] === title) return [];
    await run(tx, SET_TITLE, [title, conversationId]);
    return [await this.log.append(tx, 'conversation_updated', conversationId, conversationId, at)];
  }

  /**
   * The group's own change comes first, and its seq is each newcomer's `joined_seq`: catch-up shows them the group's
   * changes after it, and tells them of the group itself by the `conversation_created` in their own stream.
   */
  async add(tx: Tx, conversationId: number, userIds: readonly number[], at: number): Promise<ChangeRecord[]> {
    const newcomers: number[] = [];
    for (const userId of userIds) if ((await rows(tx, IS_MEMBER, [conversationId, userId])).length === 0) newcomers.push(userId);
    if (newcomers.length === 0) return [];
    const updated = await this.log.append(tx, 'conversation_updated', conversationId, conversationId, at);
    const told = [];
    for (const userId of newcomers) {
      await run(tx, INSERT_MEMBER, [conversationId, userId, at, updated.seq]);
      told.push(await this.log.append(tx, 'conversation_created', conversationId, conversationId, at, userId));
    }
    return [updated, ...told];
  }

  /**
   * The one who left hears it in their own stream, outside the group's (`conversation_id` null): membership decides
   * who reads the group's changes, and they are no longer a member.
   */
  async remove(tx: Tx, conversationId: number, userId: number, at: number): Promise<ChangeRecord[]> {
    if ((await run(tx, DELETE_MEMBER, [conversationId, userId])) === 0) return [];
    return [
      await this.log.append(tx, 'conversation_updated', conversationId, conversationId, at),
      await this.log.append(tx, 'conversation_updated', null, conversationId, at, userId),
    ];
  }
}
