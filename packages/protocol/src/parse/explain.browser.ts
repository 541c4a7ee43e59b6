import { ErrorCode } from '../codes.js';
import type { Envelope } from '../envelope.js';
import { MAX_CONTENT_LENGTH } from '../limits.js';
import type { Against } from './explain.js';
import { refuse, type ParseResult } from './result.js';

/**
 * Why a frame failed its check, in a browser bundle. Naming the field to blame takes TypeBox's interpreter, which
 * would weigh more than the rest of the protocol on a page; so the refusal keeps its code but names no field.
 * Node, where the server and bots run, gets explain.ts.
 */
export function explain(against: Against, frame: Envelope): ParseResult<never> {
  // The client checks its own requests before sending them and rejects with the code the server would answer.
  if (against === 'client' && contentTooLong(frame)) {
    return refuse(ErrorCode.ContentTooLong, 'Message content is too long', frame.id, '/payload/content');
  }
  return refuse(ErrorCode.InvalidPayload, `Frame does not match the protocol's "${frame.type}" event`, frame.id);
}

function contentTooLong(frame: Envelope): boolean {
  const hasContent = frame.type === 'send_message' || frame.type === 'edit_message';
  const content = hasContent ? (frame.payload as { content?: unknown }).content : undefined;
  if (typeof content !== 'string' || content.length <= MAX_CONTENT_LENGTH) return false;
  let codePoints = 0;
  for (const _ of content) codePoints += 1;
  return codePoints > MAX_CONTENT_LENGTH;
}
