import type { Consumer } from './runner.js';
import type { Store } from '../store/store.js';

/**
 * Changes read per batch: one transaction writes their messages into the index as one segment, which later merges
 * rewrite, so the fewer and larger the segments the less each message costs (a few milliseconds for a full batch).
 */
const BATCH = 1000;
/** How long it gathers changes before it runs: a message indexed on its own costs many times one among others. */
const GATHER_MS = 250;
/** Merge steps at most after a batch: enough to keep up with what a full batch adds. */
const MERGE_STEPS = 16;

/**
 * Keeps the search index: new messages are written into it, and edited or deleted ones written again, in the
 * transaction that moves the consumer's cursor, so each change is indexed exactly once.
 */
export function searchIndex(store: Store): Consumer {
  /** The last batch held deleted messages, whose words the files must lose. */
  let deleted = false;
  /** The last batch wrote a segment: a level may have filled (eight segments, the index's `usermerge`). */
  let written = false;
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
      written = added.size + changed.size > 0;
      deleted = await store.search.index(queries, [...added], [...changed]);
    },
    async after() {
      // A deleted message's words must not stay in the files, as its text does not (store/messages.ts).
      if (deleted) await store.search.erase();
      if (!written) return;
      // The index's segments are merged in short steps, each its own transaction, with everyone served between them.
      for (let step = 0; step < MERGE_STEPS && (await store.search.merge()); step++) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
