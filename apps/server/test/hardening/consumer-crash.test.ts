import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually, Peer } from '../support/harness.js';
import { joinAll, killLeftovers, runServer, storedMessages, type Running } from './support/cluster.js';

/** One connection sends the whole burst at once, and searches until the index has caught up. */
const UNLIMITED = ['--requests-per-second', '100000', '--request-burst', '100000', '--searches-per-second-per-user', '100000', '--search-burst-per-user', '100000', '--reads-per-second-per-user', '100000', '--read-burst-per-user', '100000'];
const MESSAGES = 1_600;
/** Many different words per message: the index has far more to do for each than storing it has. */
const LONG = Array.from({ length: 200 }, (_, i) => `w${i.toString(36)}x`).join(' ');
const dir = mkdtempSync(join(tmpdir(), 'hearth-consumer-crash-'));
let db: TestDatabase | undefined;
afterAll(async () => {
  killLeftovers();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every id the search finds for `word`, page after page (or `pages` of them), and whether the index said it was behind. */
async function searchAll(server: Running, token: string, word: string, pages = Infinity): Promise<{ ids: number[]; behind: boolean }> {
  const peer = await Peer.signIn(server.wsUrl, token);
  try {
    const ids: number[] = [];
    let behind = false;
    for (let before: number | undefined; ; ) {
      const reply = await peer.request('search', { query: word, limit: 50, ...(before === undefined ? {} : { before }) });
      if (reply.type !== 'search_results') throw new Error(`${reply.type} ${JSON.stringify(reply.payload)}`);
      ids.push(...reply.payload.messages.map((m) => m.id));
      behind ||= reply.payload.index_behind !== undefined;
      if (!reply.payload.has_more || --pages === 0) return { ids: ids.sort((a, b) => a - b), behind };
      before = reply.payload.messages.at(-1)!.id;
    }
  } finally {
    await peer.close();
  }
}

describe('the search index after a crash', () => {
  it('killed part of the way through its backlog, resumes from its cursor and finds every stored message once', async () => {
    db = await createTestDatabase(dir);
    let server = await runServer(db, UNLIMITED);
    const [alice] = await joinAll(server, ['alice']);
    const peer = await Peer.signIn(server.wsUrl, alice!.token);
    const lobbyId = peer.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    for (let start = 0; start < MESSAGES; start += 200) {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => peer.request('send_message', { conversation_id: lobbyId, content: `heron ${start + i} ${LONG}`, client_id: `h${start + i}` })),
      );
    }
    server.proc.child.kill('SIGTERM');
    await server.proc.exited;

    // An index that has read none of it, as after an upgrade that rebuilds it: several batches of work at start.
    await db.run("UPDATE consumers SET seq = 0 WHERE name = 'search'");
    await db.run(db.dialect === 'sqlite' ? 'DELETE FROM search_words' : 'DELETE FROM message_words');
    const head = Number((await db.all<{ head: number }>('SELECT max(seq) AS head FROM changes'))[0]!.head);
    server = await runServer(db, UNLIMITED);
    // Killed once it has moved its cursor past a batch or more, and before it has read the whole backlog.
    const cursorAtKill = await eventually(async () => {
      const cursor = Number((await db!.all<{ seq: number }>("SELECT seq FROM consumers WHERE name = 'search'"))[0]!.seq);
      if (cursor === 0) return undefined;
      server.proc.child.kill('SIGKILL');
      return cursor;
    }, 'the index part of the way through');
    expect((await server.proc.exited).signal).toBe('SIGKILL');
    expect(cursorAtKill).toBeLessThan(head);

    const stored = (await storedMessages(db)).filter((m) => m.content.startsWith('heron')).map((m) => m.id);
    expect(stored).toHaveLength(MESSAGES);
    server = await runServer(db, UNLIMITED);
    await eventually(async () => ((await searchAll(server, alice!.token, 'heron', 1)).behind ? undefined : true), 'the index caught up');
    const found = await searchAll(server, alice!.token, 'heron');
    expect(found.behind).toBe(false);
    expect(found.ids).toEqual(stored);
    server.proc.child.kill('SIGTERM');
    expect((await server.proc.exited).code).toBe(0);
  });
});
