import { betweenSql, inWindows, toLogged, visibleSql, type VisibleRow } from '../change-reads.js';
import type { ChangeKind, ChangeRecord, LogBounds, LoggedChange } from '../store.js';
import { rows, run, type Conn } from './open.js';
import type { Tx } from './writer.js';

/** Rows deleted per statement when trimming, so a long trim never holds many row locks for long. */
const TRIM_CHUNK = 5_000;

const INSERT = {
  name: 'changes.insert',
  text: 'INSERT INTO changes (kind, conversation_id, user_id, subject_id, prev_seq, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq',
};
const INSERT_MANY = {
  name: 'changes.insert_many',
  text: `INSERT INTO changes (seq, kind, conversation_id, subject_id, prev_seq, created_at)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[], $5::bigint[], $6::bigint[])`,
};
/**
 * The next seqs, drawn under the change log's lock, which every appending transaction holds, so nobody draws between
 * them; and the tips of the conversations' streams the transaction has not appended to yet, in the order asked.
 */
const SEQS_AND_TIPS = {
  name: 'changes.seqs_and_tips',
  text: `SELECT
      ARRAY(SELECT nextval(pg_get_serial_sequence('changes', 'seq')) FROM generate_series(1, $1)),
      ARRAY(SELECT (SELECT coalesce(max(seq), 0) FROM changes WHERE conversation_id = c AND user_id IS NULL)
        FROM unnest($2::int[]) WITH ORDINALITY AS v(c, n) ORDER BY n)`,
};
// One statement per kind of stream, each served by its index (an `IS NOT DISTINCT FROM` would be served by none).
const TIP_OF_CONVERSATION = { name: 'changes.tip_of_conversation', text: 'SELECT coalesce(max(seq), 0) FROM changes WHERE conversation_id = $1 AND user_id IS NULL' };
const TIP_OF_EVERYONE = { name: 'changes.tip_of_everyone', text: 'SELECT coalesce(max(seq), 0) FROM changes WHERE conversation_id IS NULL AND user_id IS NULL' };
const TIP_OF_USER = { name: 'changes.tip_of_user', text: 'SELECT coalesce(max(seq), 0) FROM changes WHERE user_id = $1' };
const JOINED_AFTER = { name: 'changes.joined_after', text: 'SELECT 1 FROM conversation_members WHERE user_id = $1 AND joined_seq > $2 LIMIT 1' };
const VISIBLE = { name: 'changes.visible', text: visibleSql(false, { after: '$1', upTo: '$2', user: '$3', limit: '$4' }) };
const VISIBLE_SINCE_JOINING = { name: 'changes.visible_since_joining', text: visibleSql(true, { after: '$1', upTo: '$2', user: '$3', limit: '$4' }) };
const BETWEEN = { name: 'changes.between', text: betweenSql({ after: '$1', upTo: '$2', limit: '$3' }) };
const OLDEST = { name: 'changes.oldest', text: `SELECT seq, created_at FROM changes ORDER BY seq LIMIT ${TRIM_CHUNK}` };
const NEWEST = { name: 'changes.newest', text: 'SELECT max(seq) FROM changes' };
const DELETE_THROUGH = { name: 'changes.delete_through', text: 'DELETE FROM changes WHERE seq <= $1' };

/** The numbered change log in PostgreSQL: appending inside the writer's transaction, reading for catch-up, trimming. */
export class ChangeLog {
  private head = 0;
  private horizon = 0;

  /** Reads where the log stands from what it keeps. */
  async load(on: Conn): Promise<void> {
    this.head = (await rows<[number | null]>(on, NEWEST, []))[0]![0] ?? 0;
    // Trimming removes the oldest rows and never the newest, so what is kept starts right after the horizon.
    const first = (await rows<[number, number]>(on, OLDEST, []))[0]?.[0];
    this.horizon = first === undefined ? this.head : first - 1;
  }

  /**
   * Appends a change inside a writer transaction. With `userId`, only that user may see it (while a member of
   * `conversationId`), in their own stream.
   */
  async append(tx: Tx, kind: ChangeKind, conversationId: number | null, subjectId: number, createdAt: number, userId?: number): Promise<ChangeRecord> {
    // A stream's tip is read from the log once per transaction. The transaction holds the change log's advisory
    // lock, so no other process appends meanwhile and the tip it read stays the tip; across transactions it is read
    // again, as another process may have appended in between.
    const key = userId === undefined ? `c${conversationId}` : `u${userId}`;
    const prev = tx.tips.get(key) ?? (await this.tip(tx, conversationId, userId));
    const [[seq]] = (await rows<[number]>(tx, INSERT, [kind, conversationId, userId ?? null, subjectId, prev, createdAt])) as [[number]];
    tx.tips.set(key, seq);
    return userId === undefined ? { seq, prev, kind, conversationId, subjectId } : { seq, prev, kind, conversationId, subjectId, userId };
  }

  /**
   * Appends changes of one kind to conversations' streams, in order, with two statements however many there are:
   * the seqs with the streams' tips, then the rows. A batch of messages costs no more round trips than one.
   */
  async appendMany(tx: Tx, kind: ChangeKind, entries: readonly { conversationId: number; subjectId: number; createdAt: number }[]): Promise<ChangeRecord[]> {
    if (entries.length === 0) return [];
    const unknown = [...new Set(entries.map((e) => e.conversationId))].filter((id) => !tx.tips.has(`c${id}`));
    const [[drawn, tips]] = (await rows<[string[], string[]]>(tx, SEQS_AND_TIPS, [entries.length, unknown])) as [[string[], string[]]];
    for (const [i, id] of unknown.entries()) tx.tips.set(`c${id}`, Number(tips[i]));
    const seqs = drawn.map(Number).sort((a, b) => a - b);
    const records = entries.map(({ conversationId, subjectId }, i): ChangeRecord => {
      const key = `c${conversationId}`;
      const prev = tx.tips.get(key)!;
      tx.tips.set(key, seqs[i]!);
      return { seq: seqs[i]!, prev, kind, conversationId, subjectId };
    });
    const column = <T>(pick: (record: ChangeRecord, i: number) => T) => records.map(pick);
    await run(tx, INSERT_MANY, [seqs, column(() => kind), column((r) => r.conversationId), column((r) => r.subjectId), column((r) => r.prev), entries.map((e) => e.createdAt)]);
    return records;
  }

  /** Moves the head once the transaction holding changes up to `seq` has committed. */
  committed(seq: number): void {
    this.head = Math.max(this.head, seq);
  }

  bounds(): LogBounds {
    return { horizon: this.horizon, head: this.head };
  }

  async changesFor(on: Conn, userId: number, after: number, upTo: number, limit: number): Promise<LoggedChange[]> {
    // Someone added to a group since the cursor needs the slower reading; everyone else, nearly always, the faster.
    const statement = (await rows(on, JOINED_AFTER, [userId, after])).length > 0 ? VISIBLE_SINCE_JOINING : VISIBLE;
    const read = async (from: number, to: number, want: number) => (await rows<VisibleRow>(on, statement, [from, to, userId, want])).map(toLogged);
    return inWindows(read, after, upTo, limit);
  }

  /** Every change in (after, upTo], whoever may see it: what a process that missed some on the bus delivers. */
  async changesBetween(on: Conn, after: number, upTo: number, limit: number): Promise<LoggedChange[]> {
    return (await rows<VisibleRow>(on, BETWEEN, [after, upTo, limit])).map(toLogged);
  }

  /** Deletes, a chunk at a time, the oldest changes made before `createdBefore` or beyond the newest `keepRows`. */
  async trim(on: Conn, createdBefore: number, keepRows: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      let through = 0;
      for (const [seq, createdAt] of await rows<[number, number]>(on, OLDEST, [])) {
        // The newest change always stays: it is what the head is read from after a restart.
        if (seq >= this.head || (createdAt >= createdBefore && seq > this.head - keepRows)) break;
        through = seq;
      }
      if (through === 0) return deleted;
      deleted += await run(on, DELETE_THROUGH, [through]);
      this.horizon = Math.max(this.horizon, through);
    }
  }

  private async tip(tx: Tx, conversationId: number | null, userId: number | undefined): Promise<number> {
    if (userId !== undefined) return (await rows<[number]>(tx, TIP_OF_USER, [userId]))[0]![0];
    if (conversationId === null) return (await rows<[number]>(tx, TIP_OF_EVERYONE, []))[0]![0];
    return (await rows<[number]>(tx, TIP_OF_CONVERSATION, [conversationId]))[0]![0];
  }
}
