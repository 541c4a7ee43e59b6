import type { ServerEvent } from '../events/server.js';
import { tolerantServerEventChecks } from '../generated/server-events.js';
import { decode } from './frame.js';
import type { ParseResult } from './result.js';
import { strictChecks } from './strict.js';

const tolerantChecks = new Map(Object.entries(tolerantServerEventChecks));

/**
 * Parses and validates one server → client frame. Never throws. Fields the protocol does not declare are accepted
 * and kept, as a client must; `strict` refuses them, for checking that a server sends exactly the protocol (in Node
 * only: a browser bundle leaves the strict checks out). A type
 * the protocol does not know is refused with `unknown_type`, which a client should skip rather than treat as broken.
 */
export function parseServerEvent(text: string, options: { strict?: boolean } = {}): ParseResult<ServerEvent> {
  return options.strict === true ? decode(text, strictChecks, 'strict-server') : decode(text, tolerantChecks, 'server');
}
