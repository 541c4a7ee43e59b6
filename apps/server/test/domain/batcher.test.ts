import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/domain/batcher.js';

/** A database that holds each transaction open until the test lets it commit, recording the batches it was given. */
class SlowStore {
  readonly batches: string[][] = [];
  readonly committed: string[] = [];
  private commits: Array<() => void> = [];

  readonly run = (batch: string[]): Promise<void> => {
    this.batches.push(batch);
    return new Promise((resolve) =>
      this.commits.push(() => {
        this.committed.push(...batch);
        resolve();
      }),
    );
  };

  commitNext(): void {
    this.commits.shift()!();
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the batcher', () => {
  it('runs what arrives while a batch is under way in the next one, all together, in the order it came', async () => {
    const store = new SlowStore();
    const batcher = new Batcher(store.run);
    const done = [batcher.submit(['a'])];
    await turn();
    expect(store.batches).toEqual([['a']]);
    // Three more turns' items while the first transaction waits on the database.
    for (const items of [['b', 'c'], ['d'], ['e']]) {
      done.push(batcher.submit(items));
      await turn();
    }
    expect(store.batches).toEqual([['a']]);
    store.commitNext();
    await done[0];
    expect(store.committed).toEqual(['a']);
    await turn();
    expect(store.batches).toEqual([['a'], ['b', 'c', 'd', 'e']]);
    store.commitNext();
    await Promise.all(done);
    expect(store.committed).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('takes up items submitted just as the last batch finished, without waiting for another', async () => {
    const store = new SlowStore();
    const batcher = new Batcher(store.run);
    const first = batcher.submit(['a']);
    await turn();
    let late: Promise<void> | undefined;
    // Submitted from the first batch's continuation, before the batcher has noticed it is idle.
    void first.then(() => (late = batcher.submit(['b'])));
    store.commitNext();
    await first;
    // The batcher notices it is idle just after that continuation, then starts the next batch a turn later.
    await turn();
    await turn();
    expect(store.batches).toEqual([['a'], ['b']]);
    store.commitNext();
    await late;
    expect(store.committed).toEqual(['a', 'b']);
  });

  it('resolves a submission only once the batch holding its last item has run', async () => {
    const store = new SlowStore();
    const batcher = new Batcher(store.run);
    let resolved = false;
    void batcher.submit(['a', 'b']).then(() => (resolved = true));
    await turn();
    await turn();
    expect(resolved).toBe(false);
    store.commitNext();
    await batcher.flush();
    expect(resolved).toBe(true);
  });
});
