import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/tokens.js';
import { SqliteDatabase } from '../../src/store/sqlite/database.js';
import { Store } from '../../src/store/store.js';

const migrations = fileURLToPath(new URL('../../drizzle', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hearth-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database as the server before sessions left it: migrations up to 0005, with two users, a group and invites. */
function databaseBeforeSessions(path: string): void {
  const older = join(dir, 'older');
  mkdirSync(join(older, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(migrations, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((entry) => entry.tag < '0006');
  writeFileSync(join(older, 'meta/_journal.json'), JSON.stringify(journal));
  for (const entry of journal.entries) copyFileSync(join(migrations, `${entry.tag}.sql`), join(older, `${entry.tag}.sql`));
  const db = new Database(path);
  migrate(drizzle({ client: db }), { migrationsFolder: older });
  db.exec(`
    INSERT INTO conversations (id, type, created_at) VALUES (1, 'lobby', 1), (2, 'group', 5);
    INSERT INTO users (id, nickname, nickname_key, token, created_at) VALUES
      (1, 'ann', 'ann', '${hashToken('ann-token')}', 2), (2, 'ben', 'ben', '${hashToken('ben-token')}', 3), (3, 'cy', 'cy', '${hashToken('cy-token')}', 4);
    INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (1, 1, 2), (1, 2, 3), (1, 3, 4), (2, 2, 5), (2, 1, 5);
    INSERT INTO invites (code, created_by, used_by, created_at, used_at) VALUES ('used', NULL, 2, 1, 3), ('open', 1, NULL, 4, NULL);
  `);
  db.close();
}

describe('upgrading a database made before sessions and roles', () => {
  it('keeps every token working as a session, makes the first user the owner, and carries invites and groups over', async () => {
    const path = join(dir, 'chat.db');
    databaseBeforeSessions(path);
    const store = await Store.over(SqliteDatabase.open(path));
    for (const [token, nickname] of [['ann-token', 'ann'], ['ben-token', 'ben'], ['cy-token', 'cy']]) {
      expect((await store.sessions.byTokenHash(hashToken(token!)))?.user.nickname).toBe(nickname);
    }
    const members = await store.accounts.members();
    expect(members.map((m) => [m.user.nickname, m.user.role ?? 'member', m.sessions])).toEqual([
      ['ann', 'owner', 1],
      ['ben', 'member', 1],
      ['cy', 'member', 1],
    ]);
    expect(await store.accounts.inviteStatus('used', 10)).toBe('used');
    expect(await store.accounts.inviteStatus('open', 10)).toBe('available');
    const group = (await store.conversations.snapshot()).conversations.find((c) => c.id === 2);
    // The group's creator is its first member stored, Ben.
    expect(group).toMatchObject({ createdBy: 2 });
    await store.close();
  });
});
