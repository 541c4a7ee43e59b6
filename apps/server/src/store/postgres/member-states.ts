import { UNREAD_COUNT_MAX } from '@hearth/protocol';
import type { MemberSettings, MemberStateUpdate, StoredMemberState } from '../store.js';
import type { ChangeLog } from './change-log.js';
import { rows, run, type Conn } from './open.js';
import type { Tx } from './writer.js';

type Notify = MemberSettings['notify'];

/**
 * What is unread for member `cm`: others' messages after the marker, not deleted, up to $2, and those that mention
 * them. Walks the conversation's index from the marker and stops at the cap, so a long-unread lobby costs a bounded
 * read.
 */
const COUNTED = `(SELECT count(*) AS unread, coalesce(sum(mentioned), 0) AS mentions FROM (
    SELECT (m.mentions IS NOT NULL AND m.mentions::jsonb @> jsonb_build_array(cm.user_id))::integer AS mentioned
    FROM messages m
    WHERE m.conversation_id = cm.conversation_id AND m.id > cm.last_read_id AND m.id <= $2
      AND m.user_id <> cm.user_id AND m.deleted_at IS NULL
    LIMIT ${UNREAD_COUNT_MAX}) AS unread_messages) AS counted`;

// All of a user's conversations in one round trip.
const STATES_OF = {
  name: 'member_states.of_user',
  text: `SELECT cm.conversation_id, cm.last_read_id, cm.notify, counted.unread, counted.mentions
    FROM conversation_members cm CROSS JOIN LATERAL ${COUNTED}
    WHERE cm.user_id = $1 ORDER BY cm.conversation_id`,
};
const SETTINGS = {
  name: 'member_states.settings',
  text: 'SELECT last_read_id, notify FROM conversation_members WHERE conversation_id = $1 AND user_id = $2',
};
// The counts for settings not written yet: the marker is given ($3), not read from the row.
const COUNT = {
  name: 'member_states.count',
  text: `SELECT counted.unread, counted.mentions
    FROM (SELECT $1::integer AS conversation_id, $4::integer AS user_id, $3::bigint AS last_read_id) AS cm CROSS JOIN LATERAL ${COUNTED}`,
};
const WRITE = {
  name: 'member_states.write',
  text: `UPDATE conversation_members SET last_read_id = $1, notify = $2, state_seq = $3, state_unread = $4, state_mentions = $5
    WHERE conversation_id = $6 AND user_id = $7`,
};

/** Each member's own state in a conversation (read marker, notify level) and the unread counts that follow from it. */
export class MemberStateRows {
  constructor(private readonly log: ChangeLog) {}

  async statesOf(on: Conn, userId: number, upTo: number): Promise<StoredMemberState[]> {
    const found = await rows<[number, number, Notify, number, number]>(on, STATES_OF, [userId, upTo]);
    return found.map(([conversationId, lastReadId, notify, unread, mentions]) => ({ conversationId, lastReadId, notify, unread, mentions }));
  }

  async update(tx: Tx, userId: number, conversationId: number, decide: (state: MemberSettings) => MemberSettings | 'unchanged', at: number): Promise<MemberStateUpdate> {
    const [row] = await rows<[number, Notify]>(tx, SETTINGS, [conversationId, userId]);
    if (row === undefined) return 'missing';
    const [lastReadId, notify] = row;
    const decision = decide({ lastReadId, notify });
    // Counted in the transaction, so the counts cover exactly the messages committed before the change.
    if (decision === 'unchanged') return { state: await this.counted(tx, userId, conversationId, { lastReadId, notify }) };
    const state = await this.counted(tx, userId, conversationId, decision);
    const change = await this.log.append(tx, 'member_state_updated', conversationId, conversationId, at, userId);
    await run(tx, WRITE, [state.lastReadId, state.notify, change.seq, state.unread, state.mentions, conversationId, userId]);
    return { state, change };
  }

  private async counted(tx: Tx, userId: number, conversationId: number, settings: MemberSettings): Promise<StoredMemberState> {
    const [[unread, mentions]] = (await rows<[number, number]>(tx, COUNT, [conversationId, Number.MAX_SAFE_INTEGER, settings.lastReadId, userId])) as [[number, number]];
    return { conversationId, ...settings, unread, mentions };
  }
}
