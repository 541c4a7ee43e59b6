import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, FILE_UNSENT_TTL_S } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../support/harness.js';
import { upload } from '../support/files.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ storageQuotaBytes: 10_000, uploadBurstPerUser: 3, uploadsPerMinutePerUser: 1, fileSweepIntervalMs: 50 });
});

afterAll(async () => {
  await server.destroy();
});

describe('upload limits', () => {
  it('refuses an upload that would pass the user’s storage quota, counting what they keep', async () => {
    const dave = await server.join('dave');
    expect((await upload(server.url, dave.token, Buffer.alloc(6_000, 1), 'a.bin')).status).toBe(201);
    const refused = await upload(server.url, dave.token, Buffer.alloc(6_000, 2), 'b.bin');
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe(ErrorCode.StorageQuotaExceeded);
    // What still fits is taken.
    expect((await upload(server.url, dave.token, Buffer.alloc(4_000, 3), 'c.bin')).status).toBe(201);
  });

  it('slows down a user who uploads too fast, with a Retry-After', async () => {
    const erin = await server.join('erin');
    for (let i = 0; i < 3; i++) expect((await upload(server.url, erin.token, Buffer.from(`file ${i}`), `${i}.txt`)).status).toBe(201);
    const refused = await upload(server.url, erin.token, Buffer.from('one more'), 'more.txt');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe(ErrorCode.RateLimited);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses an empty file and one without a name', async () => {
    const frank = await server.join('frank');
    const empty = await upload(server.url, frank.token, Buffer.alloc(0), 'empty.txt');
    expect([empty.status, empty.body.error.code]).toEqual([400, ErrorCode.InvalidFile]);
    const nameless = await upload(server.url, frank.token, Buffer.from('x'), '');
    expect([nameless.status, nameless.body.error.code]).toEqual([400, ErrorCode.InvalidFile]);
  });

  it('keeps only the last part of a name, without control characters', async () => {
    const gina = await server.join('gina');
    const answer = await upload(server.url, gina.token, Buffer.from('x'), '../../etc/pass\u202Ewd.txt');
    expect(answer.body.name).toBe('passwd.txt');
  });

  it('deletes an upload never sent once a day has passed', async () => {
    const hal = await server.join('hal');
    const answer = await upload(server.url, hal.token, Buffer.from('forgotten'), 'forgotten.txt');
    const id = answer.body.id as string;
    expect(existsSync(join(server.dir, 'files', id))).toBe(true);
    // As if it had been uploaded a day and a minute ago.
    await server.db.run('UPDATE files SET created_at = created_at - ? WHERE id = ?', [FILE_UNSENT_TTL_S + 60, id]);
    await eventually(async () => (existsSync(join(server.dir, 'files', id)) ? undefined : true), 'the unsent upload to be deleted');
    expect(await server.db.all('SELECT id FROM files WHERE id = ?', id)).toEqual([]);
  });
});
