import type { Message } from '@hearth/protocol';
import { describe, expect, it } from 'vitest';
import type { Messages, PendingSend, Sent } from '../../src/domain/messages.js';
import type { Logger } from '../../src/log.js';
import type { Publisher } from '../../src/publish.js';
import type { Connection } from '../../src/ws/connection.js';
import { SendQueue, type QueuedSend } from '../../src/ws/send-queue.js';

/** A store that holds each transaction open until the test lets it commit, recording the batches it was given. */
class SlowStore {
  readonly batches: string[][] = [];
  private commits: Array<() => void> = [];

  readonly messages = {
    append: (sends: readonly PendingSend[]): Promise<Sent[]> => {
      this.batches.push(sends.map((s) => s.input.client_id));
      return new Promise((resolve) => this.commits.push(() => resolve(sends.map((s) => ({ ok: true, message: stored(s) })))));
    },
  } as unknown as Messages;

  commitNext(): void {
    this.commits.shift()!();
  }
}

const stored = (send: PendingSend): Message => ({ id: 1, conversation_id: 1, user_id: 1, content: send.input.content, client_id: send.input.client_id, created_at: 0 });
const turn = () => new Promise((resolve) => setImmediate(resolve));

function queued(clientId: string, replies: string[]): QueuedSend {
  const conn = { reply: (_type: string, message: Message) => replies.push(message.client_id), fail: () => undefined } as unknown as Connection;
  const send = { actor: { id: 1 }, input: { conversation_id: 1, content: clientId, client_id: clientId }, mentions: [] } as unknown as PendingSend;
  return { send, conn, requestId: clientId };
}

describe('the send queue', () => {
  it('stores what arrives while a transaction is under way in the next one, all together, in the order it came', async () => {
    const store = new SlowStore();
    const queue = new SendQueue(store.messages, {} as Publisher, {} as Logger);
    const replies: string[] = [];
    const done = [queue.submit([queued('a', replies)])];
    await turn();
    expect(store.batches).toEqual([['a']]);
    // Three more turns' sends while the first transaction waits on the database.
    for (const ids of [['b', 'c'], ['d'], ['e']]) {
      done.push(queue.submit(ids.map((id) => queued(id, replies))));
      await turn();
    }
    expect(store.batches).toEqual([['a']]);
    store.commitNext();
    await done[0];
    expect(replies).toEqual(['a']);
    await turn();
    expect(store.batches).toEqual([['a'], ['b', 'c', 'd', 'e']]);
    store.commitNext();
    await Promise.all(done);
    expect(replies).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('takes up sends made just as the last batch finished, without waiting for another', async () => {
    const store = new SlowStore();
    const queue = new SendQueue(store.messages, {} as Publisher, {} as Logger);
    const replies: string[] = [];
    const first = queue.submit([queued('a', replies)]);
    await turn();
    let late: Promise<void> | undefined;
    // Submitted from the first acknowledgement's continuation, before the queue has noticed it is idle.
    void first.then(() => (late = queue.submit([queued('b', replies)])));
    store.commitNext();
    await first;
    // The queue notices it is idle just after that continuation, then starts the next batch a turn later.
    await turn();
    await turn();
    expect(store.batches).toEqual([['a'], ['b']]);
    store.commitNext();
    await late;
    expect(replies).toEqual(['a', 'b']);
  });
});
