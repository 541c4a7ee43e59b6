import type { ChangeLog } from './change-log.js';
import { type Database, type Tx } from './database.js';
import { statement } from './statement.js';
import type { MemberSettings, MemberStateUpdate, StoredMemberState } from './types.js';

type Notify = MemberSettings['notify'];

const SETTINGS = statement('member_states.settings', 'SELECT last_read_id, notify, state_seq FROM conversation_members WHERE conversation_id = $1 AND user_id = $2');
const WRITE = statement(
  'member_states.write',
  `UPDATE conversation_members SET last_read_id = $3, notify = $4, state_seq = $5, state_unread = $6, state_mentions = $7
   WHERE conversation_id = $1 AND user_id = $2`,
);

/** Each member's own state in a conversation (read marker, notify level) and the unread counts that follow from it. */
export class MemberStates {
  constructor(
    private readonly db: Database,
    private readonly log: ChangeLog,
  ) {}

  /** The user's state in each of their conversations, unread counted over messages with an id up to `upTo`. */
  async of(userId: number, upTo: number): Promise<StoredMemberState[]> {
    const rows = await this.db.rows<[number, number, Notify, number, number]>(this.db.sql.memberStatesOf, [userId, upTo]);
    return rows.map(([conversationId, lastReadId, notify, unread, mentions]) => ({ conversationId, lastReadId, notify, unread: Number(unread), mentions: Number(mentions) }));
  }

  /**
   * Changes one member's state in one transaction: reads it, lets `decide` say what it becomes, counts what is unread
   * as of now, writes both and appends a `member_state_updated` change in the user's stream, which replaces the
   * member's change before it: the log holds one row per member state, however often it is set. `missing` when the
   * user is not a member; `unchanged` writes nothing and returns the state as it is.
   */
  update(userId: number, conversationId: number, decide: (state: MemberSettings) => MemberSettings | 'unchanged', at: number): Promise<MemberStateUpdate> {
    return this.log.write(async (tx): Promise<MemberStateUpdate> => {
      const [row] = await tx.rows<[number, Notify, number | null]>(SETTINGS, [conversationId, userId]);
      if (row === undefined) return 'missing';
      const [lastReadId, notify, stateSeq] = row;
      const decision = decide({ lastReadId, notify });
      // Counted in the transaction, so the counts cover exactly the messages committed before the change.
      if (decision === 'unchanged') return { state: await this.counted(tx, userId, conversationId, { lastReadId, notify }) };
      const state = await this.counted(tx, userId, conversationId, decision);
      if (stateSeq !== null) await this.log.supersede(tx, Number(stateSeq), userId);
      const change = await this.log.append(tx, { kind: 'member_state_updated', conversationId, subjectId: conversationId, createdAt: at, userId });
      await tx.run(WRITE, [conversationId, userId, state.lastReadId, state.notify, change.seq, state.unread, state.mentions]);
      return { state, change };
    });
  }

  private async counted(tx: Tx, userId: number, conversationId: number, settings: MemberSettings): Promise<StoredMemberState> {
    const [[unread, mentions]] = (await tx.rows<[number, number]>(this.db.sql.unreadAfter, [conversationId, userId, settings.lastReadId])) as [[number, number]];
    return { conversationId, ...settings, unread: Number(unread), mentions: Number(mentions) };
  }
}
