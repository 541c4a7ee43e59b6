import type { ChangeLog } from './change-log.js';
import type { Db } from './open.js';
import type { ChangeRecord } from '../store.js';

/** A group's name and who is in it, in SQLite: each act one transaction, with the changes it appends. */
export class GroupRows {
  private readonly titleOf;
  private readonly setTitle;
  private readonly isMember;
  private readonly insertMember;
  private readonly deleteMember;
  private readonly renameInOneTransaction;
  private readonly addInOneTransaction;
  private readonly removeInOneTransaction;

  constructor(
    db: Db,
    private readonly log: ChangeLog,
  ) {
    const client = db.$client;
    this.titleOf = client.prepare<[number], { title: string | null }>('SELECT title FROM conversations WHERE id = ?');
    this.setTitle = client.prepare<[string | null, number]>('UPDATE conversations SET title = ? WHERE id = ?');
    this.isMember = client.prepare<[number, number], 1>('SELECT 1 FROM conversation_members WHERE conversation_id = ? AND user_id = ?').pluck();
    // Someone added has read what came before them, as a newcomer to the lobby has: the history is there to browse.
    this.insertMember = client.prepare<{ conversationId: number; userId: number; at: number; joinedSeq: number }>(
      `INSERT INTO conversation_members (conversation_id, user_id, joined_at, joined_seq, last_read_id)
       VALUES (@conversationId, @userId, @at, @joinedSeq, (SELECT coalesce(max(id), 0) FROM messages WHERE conversation_id = @conversationId))`,
    );
    this.deleteMember = client.prepare<[number, number]>('DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?');
    this.renameInOneTransaction = client.transaction((id: number, title: string | null, at: number) => this.renameNow(id, title, at));
    this.addInOneTransaction = client.transaction((id: number, userIds: readonly number[], at: number) => this.addNow(id, userIds, at));
    this.removeInOneTransaction = client.transaction((id: number, userId: number, at: number) => this.removeNow(id, userId, at));
  }

  rename(conversationId: number, title: string | null, at: number): ChangeRecord[] {
    return this.renameInOneTransaction.immediate(conversationId, title, at);
  }

  add(conversationId: number, userIds: readonly number[], at: number): ChangeRecord[] {
    return this.addInOneTransaction.immediate(conversationId, userIds, at);
  }

  remove(conversationId: number, userId: number, at: number): ChangeRecord[] {
    return this.removeInOneTransaction.immediate(conversationId, userId, at);
  }

  private renameNow(conversationId: number, title: string | null, at: number): ChangeRecord[] {
    if (this.titleOf.get(conversationId)?.title === title) return [];
    this.setTitle.run(title, conversationId);
    return [this.log.append('conversation_updated', conversationId, conversationId, at)];
  }

  /**
   * The group's own change comes first, and its seq is each newcomer's `joined_seq`: catch-up shows them the group's
   * changes after it, and tells them of the group itself by the `conversation_created` in their own stream.
   */
  private addNow(conversationId: number, userIds: readonly number[], at: number): ChangeRecord[] {
    const newcomers = userIds.filter((userId) => this.isMember.get(conversationId, userId) === undefined);
    if (newcomers.length === 0) return [];
    const updated = this.log.append('conversation_updated', conversationId, conversationId, at);
    const told = newcomers.map((userId) => {
      this.insertMember.run({ conversationId, userId, at, joinedSeq: updated.seq });
      return this.log.append('conversation_created', conversationId, conversationId, at, userId);
    });
    return [updated, ...told];
  }

  /**
   * The one who left hears it in their own stream, outside the group's (`conversation_id` null): membership decides
   * who reads the group's changes, and they are no longer a member.
   */
  private removeNow(conversationId: number, userId: number, at: number): ChangeRecord[] {
    if (this.deleteMember.run(conversationId, userId).changes === 0) return [];
    return [
      this.log.append('conversation_updated', conversationId, conversationId, at),
      this.log.append('conversation_updated', null, conversationId, at, userId),
    ];
  }
}
