import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase } from '../src/store/sqlite/backup.js';
import { BACKUP } from './support/process.js';
import { createTestDatabase } from './support/database.js';
import { PDF, PNG, upload } from './support/files.js';
import { Peer, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
let ann: { token: string };
let peer: Peer;
let lobbyId: number;

beforeAll(async () => {
  server = await startTestServer();
  ann = await server.join('ann');
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

describe('backing up the files', () => {
  const backup = (...args: string[]) => promisify(execFile)(process.execPath, [BACKUP, '--db', server.dbPath, '--files', join(server.dir, 'files'), ...args]);
  /** A file's bytes as a server serves them to a member, or its thumbnail's. */
  const served = async (url: string, id: string, thumbnail = false) => {
    const response = await fetch(`${url}/files/${id}/beach.png${thumbnail ? '?size=thumbnail' : ''}`, { headers: { Authorization: `Bearer ${ann.token}` } });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };

  it('copies every file the database names beside it, so a server on the restored copy serves the photo and its thumbnail', async () => {
    const answer = await upload(server.url, ann.token, PNG, 'beach.png');
    expect(answer.status).toBe(201);
    const file = answer.body as { id: string };
    const sent = await peer.request('send_message', { conversation_id: lobbyId, content: '', client_id: 'photo', attachments: [file.id] });
    if (sent.type !== 'message') throw new Error(sent.type);
    // Served once prepared: upright, without its metadata, with a thumbnail beside it.
    await peer.next('message_updated', (e) => e.payload.message.id === sent.payload.id && e.payload.message.attachments?.[0]?.thumbnail === true);
    const [photo, thumbnail] = [await served(server.url, file.id), await served(server.url, file.id, true)];
    // What an upload cut off mid-way leaves until the server's next start: never part of a backup.
    writeFileSync(join(server.dir, 'files', '.partial', 'half-written'), 'half');

    const out = join(mkdtempSync(join(server.dir, 'backup-')), 'hearth.db');
    const { stdout } = await backup('--out', out);
    expect(stdout).toMatch(/integrity ok\n/);
    expect(stdout).toContain(`Copied 2 files and thumbnails from ${join(server.dir, 'files')} to ${out}.files\n`);
    expect(readdirSync(`${out}.files`, { recursive: true }).map(String).sort()).toEqual(['.partial', file.id, `${file.id}-thumbnail`].sort());

    // Restored elsewhere, as an operator would: the database and its folder of files side by side.
    const elsewhere = mkdtempSync(join(tmpdir(), 'hearth-restored-'));
    const db = await createTestDatabase(elsewhere);
    copyFileSync(out, db.options.dbPath);
    cpSync(`${out}.files`, join(elsewhere, 'files'), { recursive: true });
    const restored = await startTestServer({}, { dir: elsewhere, db });
    try {
      expect((await served(restored.url, file.id)).equals(photo)).toBe(true);
      expect((await served(restored.url, file.id, true)).equals(thumbnail)).toBe(true);
    } finally {
      await restored.destroy();
    }
  });

  it('refuses a folder for the files that exists already, before copying the database', async () => {
    const dir = mkdtempSync(join(server.dir, 'backup-'));
    await expect(backup('--out', join(dir, 'hearth.db'), '--files-out', dir)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`${dir} exists already; choose a new folder with --files-out`),
    });
    expect(existsSync(join(dir, 'hearth.db'))).toBe(false);
  });

  it('says how many files the copy names were gone from the folder, and copies the others', async () => {
    const answer = await upload(server.url, ann.token, PDF, 'gone.pdf');
    expect(answer.status).toBe(201);
    // As when a message is deleted after the database was copied: its row is in the copy, its bytes already gone.
    rmSync(join(server.dir, 'files', (answer.body as { id: string }).id));
    const { stdout } = await backup('--out', join(mkdtempSync(join(server.dir, 'backup-')), 'hearth.db'));
    expect(stdout).toMatch(/Copied 2 files and thumbnails .*\n1 files the copy names were gone from .* not copied\n/);
  });

  it('says that files kept in S3 are not copied, and copies the database', async () => {
    const out = join(mkdtempSync(join(server.dir, 'backup-')), 'hearth.db');
    const { stdout } = await promisify(execFile)(process.execPath, [BACKUP, '--db', server.dbPath, '--files', 's3://hearth-files/chat', '--out', out]);
    expect(stdout).toMatch(/integrity ok\n/);
    expect(stdout).toContain('Files are kept in s3://hearth-files/chat, which this command does not copy');
    expect(existsSync(out)).toBe(true);
    expect(existsSync(`${out}.files`)).toBe(false);
  });
});
