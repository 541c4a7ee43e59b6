import { ErrorCode } from '../codes.js';
import type { ClientEvent } from '../events/client.js';
import { clientEventChecks } from '../generated/client-events.js';
import { isBlank, isEmoji, loneSurrogatePath } from '../text.js';
import { decode } from './frame.js';
import { refuse, type ParseResult } from './result.js';

const checks = new Map(Object.entries(clientEventChecks));

/** Parses and validates one client → server frame. Never throws. */
export function parseClientEvent(text: string): ParseResult<ClientEvent> {
  const result = decode<ClientEvent>(text, checks, 'client');
  if (!result.ok) return result;
  const illFormed = checkText(result.event);
  if (illFormed !== undefined) return illFormed;
  const { event } = result;
  switch (event.type) {
    case 'send_message':
    case 'edit_message':
      return checkContent(event);
    case 'add_reaction':
    case 'remove_reaction':
      return isEmoji(event.payload.emoji)
        ? result
        : refuse(ErrorCode.InvalidEmoji, 'A reaction is one emoji', event.id, '/payload/emoji');
    case 'load_history':
      return event.payload.before !== undefined && event.payload.around !== undefined
        ? refuse(ErrorCode.InvalidPayload, '/payload/around: give either before or around, not both', event.id, '/payload/around')
        : result;
    default:
      return result;
  }
}

/**
 * Every string a client sends must be Unicode text: `JSON.parse` turns a "\ud800" escape into a lone surrogate,
 * which has no UTF-8 form and would be stored as bytes other readers of the database cannot decode. The frame has
 * passed its schema, so the walk is over known, bounded fields. An id that is not text is not echoed.
 */
function checkText(event: ClientEvent): ParseResult<never> | undefined {
  const path = loneSurrogatePath(event);
  if (path === undefined) return undefined;
  const id = path === '/id' ? undefined : event.id;
  return refuse(ErrorCode.InvalidPayload, `${path}: must be Unicode text, without lone UTF-16 surrogates`, id, path);
}

/**
 * Content is stored trimmed, so emptiness is judged after trimming; content made only of invisible characters
 * (zero-width spaces, word joiners, Hangul fillers) shows as an empty message, so it counts as empty too.
 */
function checkContent(event: Extract<ClientEvent, { type: 'send_message' | 'edit_message' }>): ParseResult<ClientEvent> {
  const content = event.payload.content.trim();
  // A photo may go without a caption: a send with attachments may have no text (an edit still needs some).
  const captionOnly = event.type === 'send_message' && event.payload.attachments !== undefined;
  if (isBlank(content) && !(captionOnly && content === '')) {
    return refuse(ErrorCode.ContentEmpty, 'Message content is empty', event.id, '/payload/content');
  }
  event.payload.content = content;
  return { ok: true, event };
}
