import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase } from '../src/store/sqlite/backup.js';
import { BACKUP } from './support/process.js';
import { Peer, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
let peer: Peer;
let lobbyId: number;

beforeAll(async () => {
  server = await startTestServer();
  const ann = await server.join('ann');
  peer = await Peer.signIn(server.wsUrl, ann.token);
  lobbyId = peer.seen('auth_ok')[0]!.payload.conversations[0]!.id;
});
afterAll(async () => {
  await peer.close();
  server.destroy();
});

/** Sends messages one after another until told to stop; the ids acknowledged so far, in order. */
function keepSending(prefix: string): { acknowledged: number[]; stop: () => Promise<void> } {
  const acknowledged: number[] = [];
  let going = true;
  const done = (async () => {
    for (let i = 0; going; i++) {
      const reply = await peer.request('send_message', { conversation_id: lobbyId, content: `${prefix} ${i}`, client_id: `${prefix}-${i}` });
      if (reply.type === 'message') acknowledged.push(reply.payload.id);
    }
  })();
  return {
    acknowledged,
    stop: async () => {
      going = false;
      await done;
    },
  };
}

describe('backing up the live database', () => {
  it('while messages are being sent, makes a sound copy holding every message acknowledged before it began', async () => {
    const sending = keepSending('during');
    while (sending.acknowledged.length < 200) await new Promise((resolve) => setTimeout(resolve, 10));
    const before = [...sending.acknowledged];
    const out = join(server.dir, 'backup.db');
    const report = await backupDatabase(server.dbPath, out);
    await sending.stop();

    expect(report.integrity).toBe('ok');
    expect(sending.acknowledged.length).toBeGreaterThan(before.length);
    const copy = new Database(out, { readonly: true });
    const ids = new Set((copy.prepare('SELECT id FROM messages').all() as { id: number }[]).map((row) => row.id));
    copy.close();
    expect(before.filter((id) => !ids.has(id))).toEqual([]);
    expect(report.messages).toBe(ids.size);
  });

  it('runs as an operator command, and refuses to overwrite a file', async () => {
    const out = join(server.dir, 'command.db');
    const { stdout } = await promisify(execFile)(process.execPath, [BACKUP, '--db', server.dbPath, '--out', out]);
    expect(stdout).toMatch(/Backed up .* 1 users, \d+ messages, integrity ok/);
    expect(existsSync(out)).toBe(true);
    await expect(promisify(execFile)(process.execPath, [BACKUP, '--db', server.dbPath, '--out', out])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('exists already'),
    });
  });
});
