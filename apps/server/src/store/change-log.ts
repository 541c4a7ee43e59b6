import { type Database, type Tx } from './database.js';
import { statement } from './statement.js';
import { betweenSql, inWindows, toLogged, visibleSql, type VisibleRow } from './change-reads.js';
import type { ChangeKind, ChangeRecord, LogBounds, LoggedChange } from './types.js';

/** Rows deleted per statement when trimming, so a long trim never holds the write lock for long. */
const TRIM_CHUNK = 5_000;

// One statement per kind of stream, each served by its index.
const TIP_OF_EVERYONE = statement('changes.tip_of_everyone', 'SELECT coalesce(max(seq), 0) FROM changes WHERE conversation_id IS NULL AND user_id IS NULL');
const TIP_OF_USER = statement('changes.tip_of_user', 'SELECT coalesce(max(seq), 0) FROM changes WHERE user_id = $1');
const JOINED_AFTER = statement('changes.joined_after', 'SELECT 1 FROM conversation_members WHERE user_id = $1 AND joined_seq > $2 LIMIT 1');
const READ = { after: '$1', upTo: '$2', user: '$3', limit: '$4' };
const VISIBLE = statement('changes.visible', visibleSql(false, READ));
const VISIBLE_SINCE_JOINING = statement('changes.visible_since_joining', visibleSql(true, READ));
const BETWEEN = statement('changes.between', betweenSql({ after: '$1', upTo: '$2', limit: '$3' }));
const RECORDS_AFTER = statement(
  'changes.records_after',
  'SELECT seq, prev_seq, kind, conversation_id, user_id, subject_id FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2',
);
const OLDEST = statement('changes.oldest', `SELECT seq, created_at FROM changes ORDER BY seq LIMIT ${TRIM_CHUNK}`);
const NEWEST = statement('changes.newest', 'SELECT max(seq) FROM changes');
const DELETE_THROUGH = statement('changes.delete_through', 'DELETE FROM changes WHERE seq <= $1');
const PREV_OF = statement('changes.prev_of', 'SELECT prev_seq FROM changes WHERE seq = $1 AND user_id = $2');
const RELINK = statement('changes.relink', 'UPDATE changes SET prev_seq = $2 WHERE user_id = $3 AND prev_seq = $1');
const DELETE_ONE = statement('changes.delete_one', 'DELETE FROM changes WHERE seq = $1');

/** A change about to be appended: with `userId`, only that user may see it (while a member of `conversationId`). */
export interface NewChange {
  kind: ChangeKind;
  conversationId: number | null;
  subjectId: number;
  createdAt: number;
  userId?: number;
}

/**
 * The numbered change log: every write a client must learn appends to it in the transaction that makes it, through
 * `write`, which moves the head once that transaction has committed. Catch-up reads it; trimming bounds it.
 */
export class ChangeLog {
  private head = 0;
  private horizon = 0;

  constructor(private readonly db: Database) {}

  /** Reads where the log stands from what it keeps. */
  async load(): Promise<void> {
    this.head = (await this.db.rows<[number | null]>(NEWEST))[0]?.[0] ?? 0;
    // Trimming removes the oldest rows and never the newest, so what is kept starts right after the horizon.
    const first = (await this.db.rows<[number, number]>(OLDEST))[0]?.[0];
    this.horizon = first === undefined ? this.head : first - 1;
  }

  /** Runs a transaction that appends changes; once it has committed, the head is past them. */
  async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    let appended = 0;
    const result = await this.db.write(async (tx) => {
      const done = await work(tx);
      appended = tx.appended;
      return done;
    });
    this.head = Math.max(this.head, appended);
    return result;
  }

  async append(tx: Tx, change: NewChange): Promise<ChangeRecord> {
    return (await this.appendAll(tx, [change]))[0]!;
  }

  /**
   * Appends changes in order, with two statements however many there are (a user's own stream adds one): the seqs with
   * the tips of conversations this transaction has not read yet, then the rows. Each change's `prev` is its stream's
   * tip before it. The transaction holds the change log's lock, so no other process appends meanwhile and a tip read
   * stays the tip.
   */
  async appendAll(tx: Tx, changes: readonly NewChange[]): Promise<ChangeRecord[]> {
    if (changes.length === 0) return [];
    const conversations = await this.readOtherTips(tx, changes);
    const seqs: number[] = [];
    for (const [conversationId, seq] of await tx.rows<[number | null, number]>(this.db.sql.drawSeqs, [changes.length, conversations])) {
      if (conversationId === null) seqs.push(Number(seq));
      else tx.tips.set(`c${conversationId}`, Number(seq));
    }
    seqs.sort((a, b) => a - b);
    const records = changes.map((change, i): ChangeRecord => {
      const key = streamKey(change);
      const record: ChangeRecord = { seq: seqs[i]!, prev: tx.tips.get(key)!, kind: change.kind, conversationId: change.conversationId, subjectId: change.subjectId };
      if (change.userId !== undefined) record.userId = change.userId;
      tx.tips.set(key, record.seq);
      return record;
    });
    const column = <T>(pick: (record: ChangeRecord, i: number) => T) => records.map(pick);
    await tx.run(this.db.sql.insertChanges, [
      column((r) => r.seq),
      column((r) => r.kind),
      column((r) => r.conversationId),
      column((r) => r.userId ?? null),
      column((r) => r.subjectId),
      column((r) => r.prev),
      column((_, i) => changes[i]!.createdAt),
    ]);
    tx.appended = seqs.at(-1)!;
    return records;
  }

  /**
   * Removes a change of a user's own stream that a newer one is about to supersede, before that one is appended, so
   * that toggling a state back and forth replaces a row instead of adding one. The change after it in the stream is
   * linked to the one before it, so `prev` still tells a client every gap: one that has seen the removed change has
   * seen its predecessor too, and one that has not needs nothing of it. Nothing when it was trimmed already.
   */
  async supersede(tx: Tx, seq: number, userId: number): Promise<void> {
    const [row] = await tx.rows<[number]>(PREV_OF, [seq, userId]);
    if (row === undefined) return;
    await tx.run(RELINK, [seq, Number(row[0]), userId]);
    await tx.run(DELETE_ONE, [seq]);
    tx.tips.delete(`u${userId}`);
  }

  bounds(): LogBounds {
    return { horizon: this.horizon, head: this.head };
  }

  /** Changes in (after, upTo] the user may see as of now, oldest first, at most `limit`. */
  async changesFor(userId: number, after: number, upTo: number, limit: number): Promise<LoggedChange[]> {
    // Someone added to a group since the cursor needs the slower reading; everyone else, nearly always, the faster.
    const statement = (await this.db.rows(JOINED_AFTER, [userId, after])).length > 0 ? VISIBLE_SINCE_JOINING : VISIBLE;
    const read = async (from: number, to: number, want: number) => (await this.db.rows<VisibleRow>(statement, [from, to, userId, want])).map(toLogged);
    return inWindows(read, after, upTo, limit);
  }

  /** Every change in (after, upTo], whoever may see it: what a process that missed some on the bus delivers. */
  async changesBetween(after: number, upTo: number, limit: number): Promise<LoggedChange[]> {
    return (await this.db.rows<VisibleRow>(BETWEEN, [after, upTo, limit])).map(toLogged);
  }

  /** The changes after `after`, oldest first, at most `limit`, as recorded: what they are about, without reading it. */
  async recordsAfter(after: number, limit: number): Promise<ChangeRecord[]> {
    const rows = await this.db.rows<[number, number, ChangeKind, number | null, number | null, number]>(RECORDS_AFTER, [after, limit]);
    return rows.map(([seq, prev, kind, conversationId, userId, subjectId]) => {
      const record: ChangeRecord = { seq: Number(seq), prev: Number(prev), kind, conversationId, subjectId: Number(subjectId) };
      if (userId !== null) record.userId = userId;
      return record;
    });
  }

  /** Deletes, a chunk at a time, the oldest changes made before `createdBefore` or beyond the newest `keepRows`. */
  async trim(createdBefore: number, keepRows: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      let through = 0;
      for (const [seq, createdAt] of await this.db.rows<[number, number]>(OLDEST)) {
        // The newest change always stays: it is what the head is read from after a restart.
        if (seq >= this.head || (createdAt >= createdBefore && seq > this.head - keepRows)) break;
        through = seq;
      }
      if (through === 0) return deleted;
      deleted += await this.db.run(DELETE_THROUGH, [through]);
      this.horizon = Math.max(this.horizon, through);
    }
  }

  /**
   * Reads the tips of users' own streams and everyone's that these changes go to and the transaction does not know yet;
   * returns the conversations whose tips it needs, which are read with the seqs.
   */
  private async readOtherTips(tx: Tx, changes: readonly NewChange[]): Promise<number[]> {
    const conversations = new Set<number>();
    for (const change of changes) {
      const key = streamKey(change);
      if (tx.tips.has(key)) continue;
      if (change.userId !== undefined) tx.tips.set(key, (await tx.rows<[number]>(TIP_OF_USER, [change.userId]))[0]![0]);
      else if (change.conversationId === null) tx.tips.set(key, (await tx.rows<[number]>(TIP_OF_EVERYONE))[0]![0]);
      else conversations.add(change.conversationId);
    }
    return [...conversations];
  }
}

/** The stream a change goes to, as the tips are keyed: its user's own, or its conversation's (`cnull`: everyone's). */
function streamKey(change: Pick<NewChange, 'conversationId' | 'userId'>): string {
  return change.userId === undefined ? `c${change.conversationId}` : `u${change.userId}`;
}
