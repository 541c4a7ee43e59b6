import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { nicknameKey } from '@hearth/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-keys-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('nickname keys made by an older rule', () => {
  it('are re-keyed at start, and a name whose new key another already holds keeps its old one', async () => {
    const path = join(dir, 'chat.db');
    let store = SqliteStore.open(path);
    const lobbyId = await store.ensureLobby(1);
    // Keys as the old rule made them: NFKC and lower case only.
    for (const nickname of ['emma', 'ernrna', 'mia']) {
      await store.createInvite({ code: nickname, createdBy: null, createdAt: 1, expiresAt: null, maxUses: 1 });
      const joined = await store.redeemInvite({ code: nickname, nickname, nicknameKey: nickname.toLowerCase(), tokenHash: nickname, label: 'test', lobbyId, createdAt: 1 });
      expect(joined.ok).toBe(true);
    }
    expect(await store.rekeyNicknames(nicknameKey)).toBe(1);
    await store.close();

    const db = new Database(path, { readonly: true });
    const keys = db.prepare('SELECT nickname, nickname_key AS key FROM users ORDER BY id').all();
    db.close();
    // "emma" and "ernrna" look alike: the key both now have is already held, so emma keeps hers and they stay apart.
    expect(keys).toEqual([
      { nickname: 'emma', key: 'emma' },
      { nickname: 'ernrna', key: 'ernrna' },
      { nickname: 'mia', key: nicknameKey('mia') },
    ]);
    expect(nicknameKey('mia')).not.toBe('mia');
    store = SqliteStore.open(path);
    expect(await store.rekeyNicknames(nicknameKey)).toBe(0);
    await store.close();
  });
});
