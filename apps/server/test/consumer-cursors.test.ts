import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Peer, startTestServer } from './support/harness.js';

describe('consumer cursors', () => {
  it('a consumer that batches ask nothing of writes its cursor at most once a second, and where it stands when stopped', async () => {
    const server = await startTestServer();
    const alice = await server.join('alice');
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const lobby = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    const cursorOf = async (name: string) => Number((await server.db.all<{ seq: number }>('SELECT seq FROM consumers WHERE name = ?', name))[0]?.seq ?? 0);
    const started = Date.now();
    let sent = 0;
    // Messages without links, one event-loop turn apart: each a batch of its own for the consumers.
    for (; sent < 40; sent++) await a.request('send_message', { conversation_id: lobby, content: `no link ${sent}`, client_id: `c${sent}` });
    await server.consumersCaughtUp();
    const searched = await cursorOf('search');
    // The search index writes every batch; previews, asked nothing by these, wrote at most once a second since.
    const written = await cursorOf('previews');
    if (Date.now() - started < 1_000) expect(written).toBeLessThan(searched);
    await a.close();
    await server.close();
    expect(await cursorOf('previews')).toBe(searched);
    await server.db.drop();
    rmSync(server.dir, { recursive: true, force: true });
  });
});
