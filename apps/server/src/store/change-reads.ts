import type { ChangeKind, LoggedChange, StoredMemberState } from './types.js';
import { MESSAGE_COLUMNS, QUOTE_JOIN, toMessage, type MessageRow } from './rows.js';

// How catch-up reads the change log, in SQL both dialects speak; each passes its own placeholders.

/** A change with what it records: the member state it sets (when still current), and its message. */
const READ_CHANGES = `SELECT c.seq, c.prev_seq, c.kind, c.conversation_id, c.user_id, c.subject_id,
      s.last_read_id, s.notify, s.state_unread, s.state_mentions, ${MESSAGE_COLUMNS}
    FROM changes c
    LEFT JOIN messages m ON c.kind IN ('message', 'message_updated') AND m.id = c.subject_id
    ${QUOTE_JOIN}
    LEFT JOIN conversation_members s ON c.kind = 'member_state_updated'
      AND s.conversation_id = c.conversation_id AND s.user_id = c.user_id AND s.state_seq = c.seq`;

/**
 * The changes a user may see. Visibility is decided as the log is read: someone who has left a conversation sees none
 * of its changes, and a member's own state is theirs alone. Someone added to a group (`joinedSince`, when they were
 * added after the cursor) sees its changes only after the one that added them (`joined_seq`): its older ones are
 * history, read with load_history, not news; their own stream's changes in it are theirs as before. A message change
 * comes with its message, read as history pages read it; a member state change with the state, unless a later change
 * has set it since.
 */
export function visibleSql(joinedSince: boolean, p: { after: string; upTo: string; user: string; limit: string }): string {
  const sinceJoining = `OR (c.conversation_id IN (SELECT conversation_id FROM conversation_members WHERE user_id = ${p.user} AND joined_seq > ${p.after})
      AND (c.user_id IS NOT NULL
        OR c.seq > (SELECT joined_seq FROM conversation_members WHERE conversation_id = c.conversation_id AND user_id = ${p.user})))`;
  return `${READ_CHANGES}
    WHERE c.seq > ${p.after} AND c.seq <= ${p.upTo}
      AND (c.user_id IS NULL OR c.user_id = ${p.user})
      AND (c.conversation_id IS NULL
        OR c.conversation_id IN (SELECT conversation_id FROM conversation_members WHERE user_id = ${p.user} AND joined_seq <= ${p.after})
        ${joinedSince ? sinceJoining : ''})
    ORDER BY c.seq LIMIT ${p.limit}`;
}

/** Seqs a first window spans per change wanted; windows where few changes are visible double. */
const WINDOW_PER_CHANGE = 4;
const SPARSE_SHARE = 4;

/**
 * Reads a user's visible changes in (after, upTo], up to `limit`, a window of seqs at a time. Asked for the whole
 * range at once, the planner gathers every visible change after the cursor through the conversation index and sorts
 * them before taking the first few, so a page read far behind the head cost time in proportion to everything after
 * it. A window bounds that work; it doubles while it holds few visible changes, so a user who sees little of the log
 * needs few queries to cross it.
 */
export async function inWindows(
  read: (after: number, upTo: number, limit: number) => LoggedChange[] | Promise<LoggedChange[]>,
  after: number,
  upTo: number,
  limit: number,
): Promise<LoggedChange[]> {
  const found: LoggedChange[] = [];
  let window = limit * WINDOW_PER_CHANGE;
  for (let from = after; from < upTo && found.length < limit; ) {
    const to = Math.min(upTo, from + window);
    const want = limit - found.length;
    const rows = await read(from, to, want);
    found.push(...rows);
    if (rows.length < want / SPARSE_SHARE) window *= 2;
    // Short of `want`, the window was read to its end.
    from = to;
  }
  return found;
}

/** Every change in a range, whoever may see it, read as catch-up reads a change. */
export function betweenSql(p: { after: string; upTo: string; limit: string }): string {
  return `${READ_CHANGES}
    WHERE c.seq > ${p.after} AND c.seq <= ${p.upTo}
    ORDER BY c.seq LIMIT ${p.limit}`;
}

/** A change as catch-up reads it: its numbers, the member state it sets (when current), then its message's columns. */
export type VisibleRow = [
  seq: number,
  prev: number,
  kind: ChangeKind,
  conversationId: number | null,
  userId: number | null,
  subjectId: number,
  lastReadId: number | null,
  notify: StoredMemberState['notify'],
  unread: number | null,
  mentions: number | null,
  ...message: MessageRow,
];

export function toLogged([seq, prev, kind, conversationId, ownerId, subjectId, read, notify, unread, mentions, ...message]: VisibleRow): LoggedChange {
  const change: LoggedChange = ownerId === null ? { seq, prev, kind, conversationId, subjectId } : { seq, prev, kind, conversationId, subjectId, userId: ownerId };
  if (message[0] !== null) change.message = toMessage(message);
  else if (read !== null) change.memberState = { conversationId: conversationId!, lastReadId: read, notify, unread: unread!, mentions: mentions! };
  return change;
}
