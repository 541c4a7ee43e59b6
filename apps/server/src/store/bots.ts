import type { User } from '@hearth/protocol';
import { holderOf, JOIN_LOBBY, userById } from './accounts.js';
import type { ChangeLog } from './change-log.js';
import { toUser, type UserRow } from './rows.js';
import { createSession, deleteAllSessions } from './sessions.js';
import { statement } from './statement.js';
import type { ChangeRecord, NewSession } from './types.js';

const INSERT_BOT = statement(
  'bots.insert',
  `INSERT INTO users (nickname, nickname_key, created_at, role) VALUES ($1, $2, $3, 'bot') RETURNING id, nickname, role, deactivated_at, status`,
);

export interface NewBot extends NewSession {
  nickname: string;
  nicknameKey: string;
  lobbyId: number;
  at: number;
}

/** Why a bot's key was not replaced. */
export type KeyRefusal = 'missing' | 'not_a_bot' | 'deactivated';

/**
 * Bot accounts: users with role `bot` whose one session is their key. Made in one transaction with their lobby
 * membership and the `user_joined` change; a new key replaces every session the bot had.
 */
export class Bots {
  constructor(private readonly log: ChangeLog) {}

  create(bot: NewBot): Promise<{ ok: true; user: User; change: ChangeRecord } | { ok: false; reason: 'nickname_taken' }> {
    return this.log.write(async (tx) => {
      if ((await holderOf(tx, bot.nicknameKey)) !== undefined) return { ok: false, reason: 'nickname_taken' } as const;
      const row = (await tx.rows<UserRow>(INSERT_BOT, [bot.nickname, bot.nicknameKey, bot.at]))[0]!;
      await createSession(tx, row[0], bot, bot.at);
      await tx.run(JOIN_LOBBY, [bot.lobbyId, row[0], bot.at]);
      const change = await this.log.append(tx, { kind: 'user_joined', conversationId: null, subjectId: row[0], createdAt: bot.at });
      return { ok: true, user: toUser(row), change } as const;
    });
  }

  /** Replaces a bot's sessions with one for its new key: the ids of those revoked come back. */
  rotateKey(userId: number, key: NewSession, at: number): Promise<{ ok: true; user: User; revoked: number[] } | { ok: false; reason: KeyRefusal }> {
    return this.log.write(async (tx) => {
      const row = await userById(tx, userId);
      if (row === undefined) return { ok: false, reason: 'missing' } as const;
      if (row[2] !== 'bot') return { ok: false, reason: 'not_a_bot' } as const;
      if (row[3] !== null) return { ok: false, reason: 'deactivated' } as const;
      const revoked = await deleteAllSessions(tx, userId);
      await createSession(tx, userId, key, at);
      return { ok: true, user: toUser(row), revoked } as const;
    });
  }
}
