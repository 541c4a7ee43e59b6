import { ErrorCode } from '../codes.js';
import { isEnvelope } from '../generated/envelope.js';
import { explain, type Against } from './explain.js';
import { refuse, type ParseResult } from './result.js';

/** The generated checks of one direction's events, keyed by type; a Map, so `__proto__` is just an unknown type. */
export type Checks = ReadonlyMap<string, (value: unknown) => boolean>;

/**
 * Decodes one frame and checks it against its event's generated check. Only a frame that fails is looked at
 * again, to say why: a valid frame costs one JSON.parse and one check.
 */
export function decode<E>(text: string, checks: Checks, against: Against): ParseResult<E> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse(ErrorCode.InvalidJson, 'Frame is not valid JSON');
  }
  if (!isEnvelope(value)) {
    return refuse(ErrorCode.InvalidFrame, 'Frame must be an object { type: string, payload: object, id?: string }');
  }
  const check = checks.get(value.type);
  if (check === undefined) {
    return refuse(ErrorCode.UnknownType, `Unknown event type "${value.type.slice(0, 64)}"`, value.id);
  }
  if (check(value)) return { ok: true, event: value as E };
  return explain(against, value);
}
