import { asc, lte, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { changes } from './schema.js';
import { betweenSql, inWindows, toLogged, visibleSql, type VisibleRow } from '../change-reads.js';
import type { ChangeKind, ChangeRecord, LogBounds, LoggedChange } from '../store.js';

/** better-sqlite3's named parameters, bound from an object. */
const NAMED = { after: '@after', upTo: '@upTo', user: '@user', limit: '@limit' };

/** Rows deleted per statement when trimming, so a long trim never holds the write lock for long. */
const TRIM_CHUNK = 5_000;

/** The numbered change log in SQLite: appending inside a caller's transaction, reading for catch-up, trimming. */
export class ChangeLog {
  private readonly insert;
  private readonly lastInConversation;
  private readonly lastOfUser;
  private readonly visible;
  private readonly visibleSinceJoining;
  private readonly between;
  private readonly joinedAfter;
  private readonly oldest;
  private readonly newest;
  private readonly deleteThrough;
  private head: number;
  private horizon: number;
  /**
   * The newest seq of each stream (keyed as `streamKey` names it), read from the log on first use and kept here, so
   * an append costs one insert. Only this process appends to the log; a failed transaction makes it forget, as its
   * seqs are handed out again.
   */
  private readonly streamTips = new Map<string, number>();

  constructor(private readonly db: Db) {
    const p = sql.placeholder;
    // better-sqlite3's own statement: on the message path, its row id is all an append needs back.
    this.insert = db.$client.prepare<[string, number | null, number | null, number, number, number]>(
      'INSERT INTO changes (kind, conversation_id, user_id, subject_id, prev_seq, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.lastInConversation = db
      .select({ seq: sql<number>`coalesce(max(${changes.seq}), 0)` })
      .from(changes)
      .where(sql`${changes.conversationId} IS ${p('conversationId')} AND ${changes.userId} IS NULL`)
      .prepare();
    this.lastOfUser = db
      .select({ seq: sql<number>`coalesce(max(${changes.seq}), 0)` })
      .from(changes)
      .where(sql`${changes.userId} = ${p('userId')} AND ${changes.userId} IS NOT NULL`)
      .prepare();
    this.visible = db.$client.prepare<[VisibleParams], VisibleRow>(visibleSql(false, NAMED)).raw(true);
    this.visibleSinceJoining = db.$client.prepare<[VisibleParams], VisibleRow>(visibleSql(true, NAMED)).raw(true);
    this.between = db.$client.prepare<[BetweenParams], VisibleRow>(betweenSql(NAMED)).raw(true);
    this.joinedAfter = db.$client.prepare<[number, number], 1>('SELECT 1 FROM conversation_members WHERE user_id = ? AND joined_seq > ? LIMIT 1').pluck();
    this.oldest = db.select({ seq: changes.seq, createdAt: changes.createdAt }).from(changes).orderBy(asc(changes.seq)).limit(TRIM_CHUNK).prepare();
    this.newest = db.select({ seq: sql<number | null>`max(${changes.seq})` }).from(changes).prepare();
    this.deleteThrough = db.delete(changes).where(lte(changes.seq, p('seq'))).prepare();
    this.head = this.newest.get()?.seq ?? 0;
    // Trimming removes the oldest rows and never the newest, so what is kept starts right after the horizon.
    const first = this.oldest.get()?.seq;
    this.horizon = first === undefined ? this.head : first - 1;
  }

  /**
   * Appends a change; call inside the transaction that makes the change. With `userId`, only that user may see it
   * (while a member of `conversationId`), in their own stream.
   */
  append(kind: ChangeKind, conversationId: number | null, subjectId: number, createdAt: number, userId?: number): ChangeRecord {
    const key = userId === undefined ? `c${conversationId}` : `u${userId}`;
    const prev = this.streamTips.get(key) ?? (userId === undefined ? this.lastInConversation.get({ conversationId }) : this.lastOfUser.get({ userId }))!.seq;
    const seq = Number(this.insert.run(kind, conversationId, userId ?? null, subjectId, prev, createdAt).lastInsertRowid);
    this.streamTips.set(key, seq);
    return userId === undefined ? { seq, prev, kind, conversationId, subjectId } : { seq, prev, kind, conversationId, subjectId, userId };
  }

  /** A transaction that appended changes rolled back: the tips it moved are read from the log again. */
  rolledBack(): void {
    this.streamTips.clear();
  }

  /** Moves the head once the transaction holding changes up to `seq` has committed. */
  committed(seq: number): void {
    this.head = Math.max(this.head, seq);
  }

  bounds(): LogBounds {
    return { horizon: this.horizon, head: this.head };
  }

  changesFor(userId: number, after: number, upTo: number, limit: number): Promise<LoggedChange[]> {
    // Someone added to a group since the cursor needs the slower reading; everyone else, nearly always, the faster.
    const statement = this.joinedAfter.get(userId, after) !== undefined ? this.visibleSinceJoining : this.visible;
    return inWindows((from, to, want) => statement.all({ after: from, upTo: to, user: userId, limit: want }).map(toLogged), after, upTo, limit);
  }

  changesBetween(after: number, upTo: number, limit: number): LoggedChange[] {
    return this.between.all({ after, upTo, limit }).map(toLogged);
  }

  /** Deletes, a chunk at a time, the oldest changes made before `createdBefore` or beyond the newest `keepRows`. */
  trim(createdBefore: number, keepRows: number): number {
    let deleted = 0;
    for (;;) {
      const rows = this.oldest.all();
      let through = 0;
      for (const row of rows) {
        // The newest change always stays: it is what the head is read from after a restart.
        if (row.seq >= this.head || (row.createdAt >= createdBefore && row.seq > this.head - keepRows)) break;
        through = row.seq;
      }
      if (through === 0) return deleted;
      deleted += this.deleteThrough.run({ seq: through }).changes;
      this.horizon = Math.max(this.horizon, through);
    }
  }
}

type VisibleParams = { after: number; upTo: number; user: number; limit: number };
type BetweenParams = { after: number; upTo: number; limit: number };
