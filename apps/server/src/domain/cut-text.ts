import { MAX_CONTENT_LENGTH } from '@hearth/protocol';

/**
 * Text from outside (a webhook's body, a bot's answer) made fit to send: trimmed, and past a message's length cut at
 * a character's edge and marked with "…".
 */
export function cutToMessage(text: string): string {
  const chars = [...text.trim()];
  return chars.length <= MAX_CONTENT_LENGTH ? chars.join('') : `${chars.slice(0, MAX_CONTENT_LENGTH - 1).join('')}…`;
}
