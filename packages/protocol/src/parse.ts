import { Compile, type Validator } from 'typebox/compile';
import type { TSchema } from 'typebox';
import { ErrorCode } from './codes.js';
import { Envelope, OPEN } from './envelope.js';
import { ClientEvents, type ClientEvent } from './events/client.js';
import { ServerEvents, type ServerEvent } from './events/server.js';
import { isBlank, loneSurrogatePath } from './text.js';

/** Why a frame was refused: data fit to send back in an `error` frame. */
export interface ParseError {
  code: ErrorCode;
  message: string;
  /** JSON pointer to the offending field, when one is to blame. */
  path?: string;
  /** The frame's request id, when it could be read, so the refusal can answer it. */
  id?: string;
}

export type ParseResult<E> = { ok: true; event: E } | { ok: false; error: ParseError };

// Compiled once at load: validation is on every frame's path.
const envelope = Compile(Envelope);
const compileAll = (events: Record<string, TSchema>) =>
  new Map<string, Validator>(Object.entries(events).map(([type, schema]) => [type, Compile(schema)]));
const clientValidators = compileAll(ClientEvents);
const strictServerValidators = compileAll(ServerEvents);
const serverValidators = compileAll(
  Object.fromEntries(Object.entries(ServerEvents).map(([type, schema]) => [type, tolerant(schema)])),
);

/**
 * The same schema, but accepting fields it does not declare at every depth, and any string where a list of values
 * is marked open: a client built today must still accept the frames of a server that has since grown a field, an
 * error code or a conversation type (see "Compatibility" in API_CONTRACT.md).
 */
export function tolerant<S extends TSchema>(schema: S): S {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
    if (key === 'additionalProperties' && value === false) return undefined;
    if (typeof value === 'object' && value !== null && OPEN in value) return { type: 'string' };
    return value;
  }) as S;
}

/** Parses and validates one client → server frame. Never throws. */
export function parseClientEvent(text: string): ParseResult<ClientEvent> {
  const result = decode<ClientEvent>(text, clientValidators);
  if (!result.ok) return result;
  const illFormed = checkText(result.event);
  if (illFormed !== undefined) return illFormed;
  if (result.event.type === 'send_message') return checkContent(result.event);
  return result;
}

/**
 * Parses and validates one server → client frame. Never throws. Fields the protocol does not declare are accepted
 * and kept, as a client must; `strict` refuses them, for checking that a server sends exactly the protocol. A type
 * the protocol does not know is refused with `unknown_type`, which a client should skip rather than treat as broken.
 */
export function parseServerEvent(text: string, options: { strict?: boolean } = {}): ParseResult<ServerEvent> {
  return decode<ServerEvent>(text, options.strict === true ? strictServerValidators : serverValidators);
}

function decode<E>(text: string, validators: Map<string, Validator>): ParseResult<E> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse(ErrorCode.InvalidJson, 'Frame is not valid JSON');
  }
  if (!envelope.Check(value)) {
    return refuse(ErrorCode.InvalidFrame, 'Frame must be an object { type: string, payload: object, id?: string }');
  }
  const id = value.id;
  const validator = validators.get(value.type);
  if (validator === undefined) {
    return refuse(ErrorCode.UnknownType, `Unknown event type "${value.type.slice(0, 64)}"`, id);
  }
  if (validator.Check(value)) return { ok: true, event: value as E };
  return refuseInvalid(validator, value, id);
}

function refuseInvalid(validator: Validator, value: unknown, id: string | undefined): ParseResult<never> {
  // The most specific error is the one with the deepest path; `boolean` errors only echo another.
  const errors = validator.Errors(value).filter((e) => e.keyword !== 'boolean');
  const worst = errors.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a), errors[0]!);
  const path = worst?.instancePath ?? '';
  if (path === '/payload/content' && worst?.keyword === 'maxLength') {
    return refuse(ErrorCode.ContentTooLong, 'Message content is too long', id, path);
  }
  const detail = worst?.keyword === 'additionalProperties' ? describeExtra(worst.params) : worst?.message;
  return refuse(ErrorCode.InvalidPayload, `${path || '/'}: ${detail ?? 'does not match the schema'}`, id, path);
}

function describeExtra(params: object): string {
  const names = (params as { additionalProperties?: string[] }).additionalProperties ?? [];
  return `unexpected field${names.length === 1 ? '' : 's'} ${names.map((n) => `"${n.slice(0, 64)}"`).join(', ')}`;
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
function checkContent(event: Extract<ClientEvent, { type: 'send_message' }>): ParseResult<ClientEvent> {
  const content = event.payload.content.trim();
  if (isBlank(content)) {
    return refuse(ErrorCode.ContentEmpty, 'Message content is empty', event.id, '/payload/content');
  }
  event.payload.content = content;
  return { ok: true, event };
}

function refuse(code: ErrorCode, message: string, id?: string, path?: string): ParseResult<never> {
  const error: ParseError = { code, message };
  if (path !== undefined) error.path = path;
  if (id !== undefined) error.id = id;
  return { ok: false, error };
}
