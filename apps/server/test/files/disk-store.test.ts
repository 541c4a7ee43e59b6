import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskBlobStore } from '../../src/files/disk-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-blobs-'));
  dirs.push(dir);
  return dir;
};

describe('the folder of blobs', () => {
  it('removes at start what an upload cut off long ago left, and not what another process is writing now', async () => {
    const dir = folder();
    mkdirSync(join(dir, '.partial'));
    writeFileSync(join(dir, '.partial', 'old.1'), 'left by a crash');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(join(dir, '.partial', 'old.1'), twoHoursAgo, twoHoursAgo);
    writeFileSync(join(dir, '.partial', 'new.1'), 'being written');
    await DiskBlobStore.open(dir);
    expect(readdirSync(join(dir, '.partial'))).toEqual(['new.1']);
  });

  it('keeps nothing of a body that fails, and the whole of one that ends', async () => {
    const store = await DiskBlobStore.open(folder());
    const failing = new Readable({ read() {} });
    const put = store.put('broken', failing);
    failing.push(Buffer.alloc(1000));
    failing.destroy(new Error('cut off'));
    await expect(put).rejects.toThrow('cut off');
    expect(existsSync(join(store.where, 'broken'))).toBe(false);
    expect(readdirSync(join(store.where, '.partial'))).toEqual([]);

    await store.put('whole', Readable.from([Buffer.from('all of it')]));
    const chunks: Buffer[] = [];
    for await (const chunk of (await store.get('whole', { start: 4, end: 5 }))!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('of');
    await store.delete('whole');
    await store.delete('whole');
    expect(await store.get('whole')).toBeUndefined();
  });
});
