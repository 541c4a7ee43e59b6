import type { User } from '@hearth/protocol';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { users } from '../db/schema.js';
import { hashToken } from './tokens.js';

export class Users {
  private readonly byToken;

  constructor(db: Db) {
    this.byToken = db
      .select({ id: users.id, nickname: users.nickname })
      .from(users)
      .where(eq(users.token, sql.placeholder('hash')))
      .prepare();
  }

  /** The user a bearer token belongs to, if any. */
  authenticate(token: string): User | undefined {
    return this.byToken.get({ hash: hashToken(token) });
  }
}
