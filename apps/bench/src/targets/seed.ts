import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Populated, World } from './target.js';

const HISTORY_BATCH = 50_000;

/**
 * Writes users (all in the lobby), DMs and lobby history straight into a stopped server's database, in the
 * server's own schema: redeeming thousands of invites over HTTP would measure the invite endpoint, not the chat.
 * History message j (from 0) is user j mod `users`'s, and reads `message j: a line of chat about …`.
 */
export function seed(path: string, world: World): Populated {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = Math.floor(Date.now() / 1000);
  const lobbyId = db.prepare("SELECT id FROM conversations WHERE type = 'lobby'").pluck().get() as number;
  const insertUser = db.prepare('INSERT INTO users (nickname, nickname_key, created_at) VALUES (?, ?, ?)');
  const insertSession = db.prepare("INSERT INTO sessions (user_id, token_hash, label, created_at, last_used_at) VALUES (?, ?, 'bench', ?, ?)");
  const insertMember = db.prepare('INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)');
  const insertDm = db.prepare("INSERT INTO conversations (type, dm_key, created_at) VALUES ('dm', ?, ?)");
  const insertMessage = db.prepare(
    'INSERT INTO messages (conversation_id, user_id, content, client_id, created_at) VALUES (?, ?, ?, ?, ?)',
  );

  const tokens: string[] = [];
  const userIds: number[] = [];
  const dmIds: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < world.users; i++) {
      const token = randomBytes(32).toString('base64url');
      const id = Number(insertUser.run(`bench${i}`, `bench${i}`, now).lastInsertRowid);
      insertSession.run(id, sha256(token), now, now);
      insertMember.run(lobbyId, id, now);
      tokens.push(token);
      userIds.push(id);
    }
    if (!world.dms) return;
    for (let k = 0; k + 1 < userIds.length; k += 2) {
      const [a, b] = [userIds[k]!, userIds[k + 1]!];
      const id = Number(insertDm.run(`${Math.min(a, b)}:${Math.max(a, b)}`, now).lastInsertRowid);
      insertMember.run(id, a, now);
      insertMember.run(id, b, now);
      dmIds.push(id);
    }
  })();

  let firstMessageId = 0;
  let lastMessageId = 0;
  // The full-text index is built once after the rows are in, as the server's migration builds it over a history
  // that is already there; the history has no changes in the log, so the search consumer has nothing to index again.
  for (let start = 0; start < world.history; start += HISTORY_BATCH) {
    db.transaction(() => {
      for (let j = start; j < Math.min(world.history, start + HISTORY_BATCH); j++) {
        const userId = userIds[j % userIds.length]!;
        const sentAt = now - Math.ceil((world.history - j) / 10);
        const text = `message ${j}: a line of chat about nothing much, as most lines of chat are`;
        lastMessageId = Number(insertMessage.run(lobbyId, userId, text, `h${j}`, sentAt).lastInsertRowid);
        if (firstMessageId === 0) firstMessageId = lastMessageId;
      }
    })();
  }
  db.exec("INSERT INTO search_words (rowid, content, conversation_id, user_id) SELECT id, content, 'c' || conversation_id, 'u' || user_id FROM messages");
  db.close();
  return { tokens, userIds, lobbyId, dmIds, firstMessageId, lastMessageId };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
