import { UNREAD_COUNT_MAX } from '@hearth/protocol';
import type { ChangeLog } from './change-log.js';
import type { Db } from './open.js';
import type { MemberSettings, MemberStateUpdate, StoredMemberState } from '../store.js';

type SettingsRow = [lastReadId: number, notify: MemberSettings['notify']];

/** Each member's own state in a conversation (read marker, notify level) and the unread counts that follow from it. */
export class MemberStateRows {
  private readonly settings;
  private readonly settingsOfUser;
  private readonly count;
  private readonly write;
  private readonly updateInOneTransaction;

  constructor(
    db: Db,
    private readonly log: ChangeLog,
  ) {
    const client = db.$client;
    this.settings = client
      .prepare<[number, number], SettingsRow>('SELECT last_read_id, notify FROM conversation_members WHERE conversation_id = ? AND user_id = ?')
      .raw(true);
    this.settingsOfUser = client
      .prepare<[number], [number, ...SettingsRow]>(
        'SELECT conversation_id, last_read_id, notify FROM conversation_members WHERE user_id = ? ORDER BY conversation_id',
      )
      .raw(true);
    // Walks the conversation's index from the marker and stops at the cap, so a long-unread lobby costs a bounded read.
    this.count = client
      .prepare<[{ user: number; conversation: number; after: number; upTo: number }], [number, number]>(
        `SELECT count(*), coalesce(sum(mentioned), 0) FROM (
           SELECT m.mentions IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(m.mentions) WHERE value = @user) AS mentioned
           FROM messages m
           WHERE m.conversation_id = @conversation AND m.id > @after AND m.id <= @upTo AND m.user_id <> @user AND m.deleted_at IS NULL
           LIMIT ${UNREAD_COUNT_MAX})`,
      )
      .raw(true);
    this.write = client.prepare<[number, MemberSettings['notify'], number, number, number, number, number]>(
      `UPDATE conversation_members SET last_read_id = ?, notify = ?, state_seq = ?, state_unread = ?, state_mentions = ?
       WHERE conversation_id = ? AND user_id = ?`,
    );
    this.updateInOneTransaction = client.transaction(
      (userId: number, conversationId: number, decide: (state: MemberSettings) => MemberSettings | 'unchanged', at: number) =>
        this.updateNow(userId, conversationId, decide, at),
    );
  }

  statesOf(userId: number, upTo: number): StoredMemberState[] {
    return this.settingsOfUser.all(userId).map(([conversationId, lastReadId, notify]) => this.counted(userId, conversationId, { lastReadId, notify }, upTo));
  }

  update(userId: number, conversationId: number, decide: (state: MemberSettings) => MemberSettings | 'unchanged', at: number): MemberStateUpdate {
    return this.updateInOneTransaction.immediate(userId, conversationId, decide, at);
  }

  private updateNow(userId: number, conversationId: number, decide: (state: MemberSettings) => MemberSettings | 'unchanged', at: number): MemberStateUpdate {
    const row = this.settings.get(conversationId, userId);
    if (row === undefined) return 'missing';
    const [lastReadId, notify] = row;
    const decision = decide({ lastReadId, notify });
    // Counted in the transaction, so the counts cover exactly the messages committed before the change.
    if (decision === 'unchanged') return { state: this.counted(userId, conversationId, { lastReadId, notify }, Number.MAX_SAFE_INTEGER) };
    const state = this.counted(userId, conversationId, decision, Number.MAX_SAFE_INTEGER);
    const change = this.log.append('member_state_updated', conversationId, conversationId, at, userId);
    this.write.run(state.lastReadId, state.notify, change.seq, state.unread, state.mentions, conversationId, userId);
    return { state, change };
  }

  private counted(userId: number, conversationId: number, settings: MemberSettings, upTo: number): StoredMemberState {
    const [unread, mentions] = this.count.get({ user: userId, conversation: conversationId, after: settings.lastReadId, upTo })!;
    return { conversationId, ...settings, unread, mentions };
  }
}
