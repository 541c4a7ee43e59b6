import { ErrorCode, nicknameKey, nicknamesLookAlike } from '@hearth/protocol';
import type { Directory } from './directory.js';
import { refuse, type Result } from './result.js';

/**
 * Refuses a nickname that would be mistaken for someone else's (see `nicknamesLookAlike`), so nobody can pass for
 * another member in a list of names. The database's unique key keeps exact look-alikes apart (`nickname_taken`,
 * left to it); this is read from the directory, which holds everyone. `self` may keep a name like their own.
 */
export function lookalikeRefusal(directory: Directory, nickname: string, self?: number): Result<never> | undefined {
  const key = nicknameKey(nickname);
  for (const user of directory.users.values()) {
    if (user.id === self || !nicknamesLookAlike(user.nickname, nickname) || nicknameKey(user.nickname) === key) continue;
    return refuse(ErrorCode.NicknameConfusable, `The nickname "${nickname}" looks too much like "${user.nickname}"`);
  }
  return undefined;
}
