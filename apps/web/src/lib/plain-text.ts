import { MENTION_TOKEN } from '@hearth/protocol';

/** Message text for one line of a quote or a preview: mention tokens as @nicknames, runs of white space as one. */
export function plainText(content: string, nickname: (id: number) => string): string {
  return content.replace(MENTION_TOKEN, (_, id: string) => `@${nickname(Number(id))}`).replace(/\s+/g, ' ').trim();
}

/** Message text as copied: mention tokens as @nicknames, its lines and spaces as written. */
export function copyText(content: string, nickname: (id: number) => string): string {
  return content.replace(MENTION_TOKEN, (_, id: string) => `@${nickname(Number(id))}`);
}
