import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nicknameKey } from '@hearth/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-keys-'));
let db: TestDatabase | undefined;
afterEach(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('nickname keys made by an older rule', () => {
  it('are re-keyed at start, and a name whose new key another already holds keeps its old one', async () => {
    db = await createTestDatabase(dir);
    let store = await openStore({ ...db.options, synchronous: 'FULL' });
    const lobbyId = await store.conversations.ensureLobby(1);
    // Keys as the old rule made them: NFKC and lower case only.
    for (const nickname of ['emma', 'ernrna', 'mia']) {
      await store.accounts.createInvite({ code: nickname, createdBy: null, createdAt: 1, expiresAt: null, maxUses: 1 });
      const joined = await store.accounts.redeem({ code: nickname, nickname, nicknameKey: nickname.toLowerCase(), tokenHash: nickname, label: 'test', lobbyId, createdAt: 1 });
      expect(joined.ok).toBe(true);
    }
    expect(await store.accounts.rekeyNicknames(nicknameKey)).toBe(1);
    await store.close();

    const keys = await db.all('SELECT nickname, nickname_key AS key FROM users ORDER BY id');
    // "emma" and "ernrna" look alike: the key both now have is already held, so emma keeps hers and they stay apart.
    expect(keys).toEqual([
      { nickname: 'emma', key: 'emma' },
      { nickname: 'ernrna', key: 'ernrna' },
      { nickname: 'mia', key: nicknameKey('mia') },
    ]);
    expect(nicknameKey('mia')).not.toBe('mia');
    store = await openStore({ ...db.options, synchronous: 'FULL' });
    expect(await store.accounts.rekeyNicknames(nicknameKey)).toBe(0);
    await store.close();
  });
});
