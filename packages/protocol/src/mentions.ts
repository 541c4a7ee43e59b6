/**
 * How a mention is written in message content: `<@` the user's id `>`. It names the user by id, so a rename does not
 * break it; clients show the current nickname in its place.
 */
export function mentionToken(userId: number): string {
  return `<@${userId}>`;
}

/** A mention token, with the user id as its first group. Global: reset `lastIndex` or use `matchAll`. */
export const MENTION_TOKEN = /<@([1-9]\d{0,15})>/g;

/** The user ids content mentions, each once, in order of first mention. */
export function mentionedIds(content: string): number[] {
  const ids = new Set<number>();
  for (const match of content.matchAll(MENTION_TOKEN)) ids.add(Number(match[1]));
  return [...ids];
}
