import { NICKNAME_MAX_LENGTH, type User } from '@hearth/protocol';

/** An `@` being typed: where it starts, where the caret is, and the text between. */
export interface MentionQuery {
  start: number;
  end: number;
  text: string;
}

/** People offered at once, at most. */
export const MENTION_CHOICES = 8;

/**
 * The `@query` the caret is at the end of, if any: an `@` at the start of the text or after white space or an opening
 * bracket (not the middle of `ann@example.org`), followed by no white space.
 */
export function mentionQueryAt(text: string, caret: number): MentionQuery | undefined {
  const before = text.slice(Math.max(0, caret - NICKNAME_MAX_LENGTH - 1), caret);
  const match = /(?:^|[\s([{])@([^\s@]*)$/u.exec(before);
  if (match === null) return undefined;
  const query = match[1]!;
  const start = caret - query.length - 1;
  // The window may have cut a longer run of text: the `@` must start a word of the whole text too.
  if (start > 0 && !/[\s([{]/u.test(text[start - 1]!)) return undefined;
  return { start, end: caret, text: query };
}

/** Folded for matching: case, accents and compatibility forms do not count. */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The people whose nickname matches a query: those it starts first, then those it occurs in, online before offline
 * among equals, then by name; at most MENTION_CHOICES.
 */
export function matchPeople(people: readonly User[], query: string, isOnline: (id: number) => boolean): User[] {
  const wanted = fold(query);
  const scored = people.flatMap((user) => {
    const at = fold(user.nickname).indexOf(wanted);
    return at === -1 ? [] : [{ user, rank: at === 0 ? 0 : 1, online: isOnline(user.id) ? 0 : 1 }];
  });
  scored.sort((a, b) => a.rank - b.rank || a.online - b.online || a.user.nickname.localeCompare(b.user.nickname));
  return scored.slice(0, MENTION_CHOICES).map(({ user }) => user);
}
