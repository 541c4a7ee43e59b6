import type { Consumer } from './runner.js';
import type { Store } from '../store/store.js';

/** Changes read per batch: one transaction writes their messages into the index. */
const BATCH = 200;
/**
 * How long it gathers changes before it runs: each run writes a segment of the index, which later merges rewrite, so
 * a message indexed on its own costs many times one indexed among others.
 */
const GATHER_MS = 250;
/**
 * Batches indexed between merges: a level of the index is merged once it holds four segments (FTS5's `usermerge`),
 * and each batch adds one, so looking sooner finds nothing to do.
 */
const MERGE_EVERY = 4;
/** Merge steps at most each time: enough to keep up with what four full batches add. */
const MERGE_STEPS = 16;

/**
 * Keeps the search index: new messages are written into it, and edited or deleted ones written again, in the
 * transaction that moves the consumer's cursor, so each change is indexed exactly once.
 */
export function searchIndex(store: Store): Consumer {
  /** The last batch held deleted messages, whose words the files must lose. */
  let deleted = false;
  /** Batches indexed since the segments were last merged. */
  let unmerged = 0;
  return {
    name: 'search',
    batch: BATCH,
    gatherMs: GATHER_MS,
    async within(changes, queries) {
      const added = new Set<number>();
      const changed = new Set<number>();
      for (const change of changes) {
        if (change.kind === 'message') added.add(change.subjectId);
        else if (change.kind === 'message_updated') changed.add(change.subjectId);
      }
      for (const id of changed) added.delete(id);
      if (added.size + changed.size > 0) unmerged++;
      deleted = await store.search.index(queries, [...added], [...changed]);
    },
    async after() {
      // A deleted message's words must not stay in the files, as its text does not (store/messages.ts).
      if (deleted) await store.search.erase();
      if (unmerged < MERGE_EVERY) return;
      unmerged = 0;
      // The index's segments are merged in short steps, each its own transaction, with everyone served between them.
      for (let step = 0; step < MERGE_STEPS && (await store.search.merge()); step++) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
