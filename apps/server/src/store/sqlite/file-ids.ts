import type Database from 'better-sqlite3';

/** Ids read per query: a page of them at a time, however many files the chat has. */
const PAGE = 1_000;

/** The id of every file a SQLite database records, sent or not, in id order; each is its blob's key. */
export function* fileIdsIn(db: Database.Database): Generator<string> {
  const page = db.prepare('SELECT id FROM files WHERE id > ? ORDER BY id LIMIT ?').pluck();
  for (let after = ''; ; ) {
    const ids = page.all(after, PAGE) as string[];
    yield* ids;
    if (ids.length < PAGE) return;
    after = ids.at(-1)!;
  }
}
