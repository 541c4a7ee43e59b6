import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { PNG, startS3, upload, type TestS3 } from '../support/files.js';
import { Peer, startTestServer, type TestServer } from '../support/harness.js';
import { MIGRATE_TO_POSTGRES } from '../support/process.js';

/** Runs the command as an operator would: S3 credentials in the server's variables, nothing else of the test's. */
const migrate = (...args: string[]) =>
  promisify(execFile)(process.execPath, [MIGRATE_TO_POSTGRES, ...args], {
    env: { PATH: process.env.PATH ?? '', HEARTH_FILES_ACCESS_KEY_ID: 'S3RVER', HEARTH_FILES_SECRET_ACCESS_KEY: 'S3RVER' },
  });

let s3: TestS3;
let source: TestServer;
let ann: { token: string };
/** The files of the chat, a photo sent with no caption and a document sent with one, each as the server serves it. */
const files: { id: string; name: string; served: Buffer }[] = [];
/** The photo's thumbnail, as the server serves it. */
let thumbnail: Buffer;

/** A file's bytes as a server serves them to a member, or its thumbnail's. */
async function served(url: string, file: { id: string; name: string }, size = ''): Promise<Buffer> {
  const response = await fetch(`${url}/files/${file.id}/${file.name}${size}`, { headers: { Authorization: `Bearer ${ann.token}` } });
  expect(response.status, file.name).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

beforeAll(async () => {
  s3 = await startS3();
  source = await startTestServer();
  ann = await source.join('ann');
  const peer = await Peer.signIn(source.wsUrl, ann.token);
  const lobby = peer.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  for (const [name, bytes, caption] of [['lighthouse.png', PNG, ''], ['tide-tables.txt', Buffer.from('high water 06:12'), 'for saturday']] as const) {
    const answer = await upload(source.url, ann.token, bytes, name);
    if (answer.status !== 201) throw new Error(`${answer.status} ${JSON.stringify(answer.body)}`);
    const id = (answer.body as { id: string }).id;
    const sent = await peer.request('send_message', { conversation_id: lobby, content: caption, client_id: name, attachments: [id] });
    if (sent.type !== 'message') throw new Error(sent.type);
    // The photo is served once prepared, with a thumbnail beside it.
    if (bytes === PNG) await peer.next('message_updated', (e) => e.payload.message.id === sent.payload.id && e.payload.message.attachments?.[0]?.thumbnail === true);
    files.push({ id, name, served: await served(source.url, { id, name }) });
  }
  thumbnail = await served(source.url, files[0]!, '?size=thumbnail');
  await peer.close();
  await source.close();
}, 30_000);
afterAll(async () => {
  await source.destroy();
  await s3.stop();
});

describe('npm run migrate-to-postgres with --files s3://', () => {
  let target: TestDatabase;
  let moved: TestServer | undefined;
  afterAll(async () => {
    await (moved === undefined ? target?.drop() : moved.destroy());
  });

  it('stops before the database when the bucket cannot be reached, and says to run it again', async () => {
    target = await createPostgresDatabase(source.dir);
    await expect(
      migrate('--from', source.dbPath, '--to', target.options.database, '--files', s3.options.files!, '--files-endpoint', 'http://127.0.0.1:9'),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/Not every file was copied, and the database was not: .*\nRun the command again to finish/) });
    expect(await target.all('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);
  });

  it('copies the files the earlier, cut-off run did not, and then the database', async () => {
    // What a run cut off half-way left in the bucket: the photo.
    const client = new S3Client({ endpoint: s3.options.filesEndpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await client.send(new PutObjectCommand({ Bucket: 'hearth-files', Key: `chat/${files[0]!.id}`, Body: readFileSync(join(source.dir, 'files', files[0]!.id)) }));
    client.destroy();

    const { stdout } = await migrate('--from', source.dbPath, '--to', target.options.database, '--files', s3.options.files!, '--files-endpoint', s3.options.filesEndpoint!);
    expect(stdout).toContain(`Copied 2 files and thumbnails from ${join(source.dir, 'files')} to ${s3.options.files} (1 more were there already).\n`);
    expect(stdout).toMatch(/Copied 1 users, .*\b2 files\b/);
    expect(stdout).toContain(`--files ${s3.options.files}\n`);
    expect((await s3.keys()).sort()).toEqual([...files.map((f) => `chat/${f.id}`), `chat/${files[0]!.id}-thumbnail`].sort());
  });

  it('leaves a server on PostgreSQL and S3 that serves every file, and finds them by name', async () => {
    moved = await startTestServer({ ...s3.options }, { dir: mkdtempSync(join(tmpdir(), 'hearth-test-')), db: target });
    for (const file of files) expect((await served(moved.url, file)).equals(file.served), file.name).toBe(true);
    expect((await served(moved.url, files[0]!, '?size=thumbnail')).equals(thumbnail)).toBe(true);
    const peer = await Peer.signIn(moved.wsUrl, ann.token);
    const reply = await peer.request('search', { query: 'lighthouse' });
    await peer.close();
    if (reply.type !== 'search_results') throw new Error(reply.type);
    expect(reply.payload.messages.map((m) => m.attachments?.map((a) => a.name))).toEqual([['lighthouse.png']]);
  });

  it('refuses to run again once the database is copied, and copies nothing', async () => {
    const keys = await s3.keys();
    await expect(
      migrate('--from', source.dbPath, '--to', target.options.database, '--files', s3.options.files!, '--files-endpoint', s3.options.filesEndpoint!),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('Nothing was copied: the PostgreSQL database already holds a chat') });
    expect(await s3.keys()).toEqual(keys);
  });
});

describe('npm run migrate-to-postgres without --files', () => {
  it('says the files stay in their folder, which the server must be started with', async () => {
    const target = await createPostgresDatabase(source.dir);
    try {
      const { stdout } = await migrate('--from', source.dbPath, '--to', target.options.database);
      const folder = join(source.dir, 'files');
      expect(stdout).toContain(`The 2 files stay in ${folder}: the server on PostgreSQL must be started with that folder.\n`);
      expect(stdout).toContain(`--files ${folder}\n`);
      expect(readFileSync(join(folder, files[1]!.id)).equals(files[1]!.served)).toBe(true);
    } finally {
      await target.drop();
    }
  });
});
