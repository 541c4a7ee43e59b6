import type { User } from '@hearth/protocol';
import type { Store } from '../store/store.js';
import { hashToken } from './tokens.js';

export class Users {
  constructor(private readonly store: Store) {}

  /** The user a bearer token belongs to, if any. */
  authenticate(token: string): Promise<User | undefined> {
    return this.store.userByTokenHash(hashToken(token));
  }
}
