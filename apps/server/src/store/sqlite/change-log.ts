import { asc, lte, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { changes } from './schema.js';
import type { ChangeKind, ChangeRecord, LogBounds, LoggedChange } from '../store.js';
import { MESSAGE_COLUMNS, QUOTE_JOIN, toMessage, type MessageRow } from './messages.js';

/** Rows deleted per statement when trimming, so a long trim never holds the write lock for long. */
const TRIM_CHUNK = 5_000;

/** The numbered change log in SQLite: appending inside a caller's transaction, reading for catch-up, trimming. */
export class ChangeLog {
  private readonly insert;
  private readonly lastInStream;
  private readonly visible;
  private readonly oldest;
  private readonly newest;
  private readonly deleteThrough;
  private head: number;
  private horizon: number;
  /**
   * The newest seq of each stream, read from the log on first use and kept here, so an append costs one insert.
   * Only this process appends to the log; a failed transaction makes it forget, as its seqs are handed out again.
   */
  private readonly streamTips = new Map<number | null, number>();

  constructor(private readonly db: Db) {
    const p = sql.placeholder;
    // better-sqlite3's own statement: on the message path, its row id is all an append needs back.
    this.insert = db.$client.prepare<[string, number | null, number, number, number]>(
      'INSERT INTO changes (kind, conversation_id, subject_id, prev_seq, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.lastInStream = db
      .select({ seq: sql<number>`coalesce(max(${changes.seq}), 0)` })
      .from(changes)
      .where(sql`${changes.conversationId} IS ${p('conversationId')}`)
      .prepare();
    // Visibility is decided as the log is read: someone who has left a conversation sees none of its changes. A
    // message change comes with its message, read as history pages read it.
    this.visible = db.$client
      .prepare<[number, number, number, number], [number, number, ChangeKind, number | null, number, ...MessageRow]>(
        `SELECT c.seq, c.prev_seq, c.kind, c.conversation_id, c.subject_id, ${MESSAGE_COLUMNS}
         FROM changes c
         LEFT JOIN messages m ON c.kind IN ('message', 'message_updated') AND m.id = c.subject_id
         ${QUOTE_JOIN}
         WHERE c.seq > ? AND c.seq <= ?
           AND (c.conversation_id IS NULL OR c.conversation_id IN (SELECT conversation_id FROM conversation_members WHERE user_id = ?))
         ORDER BY c.seq LIMIT ?`,
      )
      .raw(true);
    this.oldest = db.select({ seq: changes.seq, createdAt: changes.createdAt }).from(changes).orderBy(asc(changes.seq)).limit(TRIM_CHUNK).prepare();
    this.newest = db.select({ seq: sql<number | null>`max(${changes.seq})` }).from(changes).prepare();
    this.deleteThrough = db.delete(changes).where(lte(changes.seq, p('seq'))).prepare();
    this.head = this.newest.get()?.seq ?? 0;
    // Trimming removes the oldest rows and never the newest, so what is kept starts right after the horizon.
    const first = this.oldest.get()?.seq;
    this.horizon = first === undefined ? this.head : first - 1;
  }

  /** Appends a change; call inside the transaction that makes the change. */
  append(kind: ChangeKind, conversationId: number | null, subjectId: number, createdAt: number): ChangeRecord {
    const prev = this.streamTips.get(conversationId) ?? this.lastInStream.get({ conversationId })!.seq;
    const seq = Number(this.insert.run(kind, conversationId, subjectId, prev, createdAt).lastInsertRowid);
    this.streamTips.set(conversationId, seq);
    return { seq, prev, kind, conversationId, subjectId };
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

  changesFor(userId: number, after: number, upTo: number, limit: number): LoggedChange[] {
    return this.visible.all(after, upTo, userId, limit).map(([seq, prev, kind, conversationId, subjectId, ...message]) => {
      const change = { seq, prev, kind, conversationId, subjectId };
      return message[0] === null ? change : { ...change, message: toMessage(message) };
    });
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
