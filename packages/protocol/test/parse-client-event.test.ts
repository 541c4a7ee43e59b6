import { describe, expect, expectTypeOf, it } from 'vitest';
import { CLIENT_EVENT_TYPES, ErrorCode, MAX_CONTENT_LENGTH, parseClientEvent, type ClientEvent, type ParseError } from '../src/index.js';
import { clientSamples, frame } from './samples.js';

function refusal(text: string): ParseError {
  const result = parseClientEvent(text);
  if (result.ok) throw new Error(`expected ${text.slice(0, 80)} to be refused`);
  return result.error;
}

const send = (payload: Record<string, unknown>) =>
  frame({ type: 'send_message', payload: { conversation_id: 1, client_id: 'c-1', ...payload }, id: 'r1' });

describe('parseClientEvent', () => {
  it.each(['', 'nope', '{', '{"type":"ping",}', "{'type':'ping'}", 'NaN', '{"after":NaN}'])(
    'refuses %j, which is not JSON, with invalid_json',
    (text) => {
      expect(refusal(text)).toEqual({ code: ErrorCode.InvalidJson, message: 'Frame is not valid JSON' });
    },
  );

  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"ping"'],
    ['a number', '42'],
    ['a frame without payload', '{"type":"ping"}'],
    ['a frame without type', '{"payload":{}}'],
    ['a frame whose type is not a string', '{"type":7,"payload":{}}'],
    ['a frame whose payload is an array', '{"type":"ping","payload":[]}'],
    ['a frame whose payload is null', '{"type":"ping","payload":null}'],
    ['a frame whose payload is a string', '{"type":"ping","payload":"{}"}'],
    ['a frame whose id is a number', '{"type":"ping","payload":{},"id":5}'],
    ['a frame whose id is empty', '{"type":"ping","payload":{},"id":""}'],
    ['a frame whose id is longer than 64 characters', frame({ type: 'ping', payload: {}, id: 'x'.repeat(65) })],
  ])('refuses %s with invalid_frame and echoes no id', (_, text) => {
    const error = refusal(text);
    expect(error.code).toBe(ErrorCode.InvalidFrame);
    expect(error).not.toHaveProperty('id');
    expect(error).not.toHaveProperty('path');
  });

  it('refuses an unknown type with unknown_type and echoes the request id', () => {
    expect(refusal(frame({ type: 'delete_everything', payload: {}, id: 'r9' }))).toEqual({
      code: ErrorCode.UnknownType,
      message: 'Unknown event type "delete_everything"',
      id: 'r9',
    });
  });

  it('refuses a server event type sent by a client with unknown_type', () => {
    expect(refusal(frame({ type: 'auth_ok', payload: {} })).code).toBe(ErrorCode.UnknownType);
  });

  it.each([
    ['a missing field', send({ client_id: undefined }), '/payload', 'client_id'],
    ['a missing payload field of auth', frame({ type: 'auth', payload: {}, id: 'r1' }), '/payload', 'token'],
    ['a string where an id belongs', send({ conversation_id: '1' }), '/payload/conversation_id', 'integer'],
    ['a fraction where an id belongs', send({ conversation_id: 1.5 }), '/payload/conversation_id', 'integer'],
    ['an id of zero', send({ conversation_id: 0 }), '/payload/conversation_id', '>= 1'],
    ['an id past 2^53 - 1', send({ conversation_id: 2 ** 53 }), '/payload/conversation_id', '<='],
    ['content that is not a string', send({ content: 5 }), '/payload/content', 'string'],
    ['an empty client_id', send({ content: 'hi', client_id: '' }), '/payload/client_id', 'fewer than 1'],
    ['a client_id over 64 characters', send({ content: 'hi', client_id: 'c'.repeat(65) }), '/payload/client_id', 'more than 64'],
    ['an extra payload field', frame({ type: 'ping', payload: { x: 1 }, id: 'r1' }), '/payload', 'unexpected field "x"'],
    ['extra payload fields', frame({ type: 'create_invite', payload: { a: 1, b: 2 }, id: 'r1' }), '/payload', 'unexpected fields "a", "b"'],
    ['an extra top-level field', frame({ type: 'ping', payload: {}, id: 'r1', extra: true }), '', 'unexpected field "extra"'],
    ['an empty token', frame({ type: 'auth', payload: { token: '' }, id: 'r1' }), '/payload/token', 'fewer than 1'],
    ['a token over 256 characters', frame({ type: 'auth', payload: { token: 't'.repeat(257) }, id: 'r1' }), '/payload/token', 'more than 256'],
    ['an empty user_ids list', frame({ type: 'create_group', payload: { user_ids: [] }, id: 'r1' }), '/payload/user_ids', 'fewer than 1'],
    ['more than 64 user_ids', frame({ type: 'create_group', payload: { user_ids: Array.from({ length: 65 }, (_, i) => i + 1) }, id: 'r1' }), '/payload/user_ids', 'more than 64'],
    ['a bad entry in user_ids', frame({ type: 'create_group', payload: { user_ids: [2, 'x'] }, id: 'r1' }), '/payload/user_ids/1', 'integer'],
    ['a history limit over 100', frame({ type: 'load_history', payload: { conversation_id: 1, limit: 101 }, id: 'r1' }), '/payload/limit', '<= 100'],
    ['a history limit of 0', frame({ type: 'load_history', payload: { conversation_id: 1, limit: 0 }, id: 'r1' }), '/payload/limit', '>= 1'],
    ['a history cursor of 0', frame({ type: 'load_history', payload: { conversation_id: 1, before: 0 }, id: 'r1' }), '/payload/before', '>= 1'],
    ['a negative catch-up cursor', frame({ type: 'catch_up', payload: { after: -1 }, id: 'r1' }), '/payload/after', '>= 0'],
    ['a catch-up limit over 500', frame({ type: 'catch_up', payload: { after: 0, limit: 501 }, id: 'r1' }), '/payload/limit', '<= 500'],
    ['a missing catch-up cursor', frame({ type: 'catch_up', payload: {}, id: 'r1' }), '/payload', 'after'],
  ])('refuses %s with invalid_payload, the path and the request id', (_, text, path, detail) => {
    const error = refusal(text);
    expect(error).toMatchObject({ code: ErrorCode.InvalidPayload, path, id: 'r1' });
    expect(error.message).toContain(detail);
    expect(error.message.startsWith(`${path || '/'}: `)).toBe(true);
  });

  it('refuses content over MAX_CONTENT_LENGTH with content_too_long', () => {
    expect(refusal(send({ content: 'a'.repeat(MAX_CONTENT_LENGTH + 1) }))).toEqual({
      code: ErrorCode.ContentTooLong,
      message: 'Message content is too long',
      path: '/payload/content',
      id: 'r1',
    });
  });

  it('accepts content of exactly MAX_CONTENT_LENGTH characters', () => {
    const result = parseClientEvent(send({ content: 'a'.repeat(MAX_CONTENT_LENGTH) }));
    expect(result.ok).toBe(true);
  });

  it('counts content length before trimming', () => {
    const padded = `  ${'a'.repeat(MAX_CONTENT_LENGTH - 1)}  `;
    expect(refusal(send({ content: padded })).code).toBe(ErrorCode.ContentTooLong);
  });

  it.each(['', ' ', '   \n\t  ', '\u00a0\u3000\u2028'])('refuses content %j, empty once trimmed, with content_empty', (content) => {
    expect(refusal(send({ content }))).toEqual({
      code: ErrorCode.ContentEmpty,
      message: 'Message content is empty',
      path: '/payload/content',
      id: 'r1',
    });
  });

  it.each([
    ['zero-width spaces', '\u200b\u200b\u200b'],
    ['word joiners and byte order marks', '\u2060\ufeff\u2060'],
    ['a Hangul filler between spaces', ' \u3164 '],
    ['bidi overrides', '\u202e\u202d\u2066'],
    ['invisible characters and line breaks', '\u200b\n\u200c\n\u200d'],
  ])('refuses content made only of %s, which shows as an empty message, with content_empty', (_, content) => {
    expect(refusal(send({ content }))).toEqual({
      code: ErrorCode.ContentEmpty,
      message: 'Message content is empty',
      path: '/payload/content',
      id: 'r1',
    });
  });

  it('accepts content with one visible character among invisible ones', () => {
    expect(parseClientEvent(send({ content: '\u200bx\u200b' })).ok).toBe(true);
  });

  it.each([
    ['a lone high surrogate', 'hi \ud800'],
    ['a lone low surrogate', '\udc00 hi'],
    ['only a lone surrogate', '\ud83d'],
  ])('refuses content with %s as invalid_payload at /payload/content', (_, content) => {
    // JSON.stringify writes a lone surrogate as a \uXXXX escape, as a hostile client would.
    expect(refusal(send({ content }))).toEqual({
      code: ErrorCode.InvalidPayload,
      message: '/payload/content: must be Unicode text, without lone UTF-16 surrogates',
      path: '/payload/content',
      id: 'r1',
    });
  });

  it('refuses a lone surrogate in any other string field, pointing at it', () => {
    expect(refusal(send({ content: 'hi', client_id: 'c\udfff' }))).toMatchObject({ code: ErrorCode.InvalidPayload, path: '/payload/client_id', id: 'r1' });
    expect(refusal(frame({ type: 'auth', payload: { token: 't\ud800' } }))).toMatchObject({ code: ErrorCode.InvalidPayload, path: '/payload/token' });
  });

  it('refuses a request id with a lone surrogate without echoing it', () => {
    const error = refusal(frame({ type: 'ping', payload: {}, id: 'r\ud800' }));
    expect(error).toEqual({ code: ErrorCode.InvalidPayload, message: '/id: must be Unicode text, without lone UTF-16 surrogates', path: '/id' });
  });

  it('accepts content with surrogate pairs written as escapes', () => {
    const result = parseClientEvent('{"type":"send_message","payload":{"conversation_id":1,"client_id":"c","content":"\\ud83d\\ude00"}}');
    expect(result.ok && result.event.type === 'send_message' && result.event.payload.content).toBe('😀');
  });

  it('trims send_message content and keeps the whitespace inside it', () => {
    const result = parseClientEvent(send({ content: ' \n  two\n lines \t ' }));
    expect(result).toEqual({
      ok: true,
      event: { type: 'send_message', payload: { conversation_id: 1, client_id: 'c-1', content: 'two\n lines' }, id: 'r1' },
    });
  });

  it.each(CLIENT_EVENT_TYPES)('accepts a valid %s frame as it was sent', (type) => {
    const sample = clientSamples[type];
    expect(parseClientEvent(frame(sample))).toEqual({ ok: true, event: sample });
  });

  it('accepts frames without the optional fields', () => {
    const minimal = [
      { type: 'load_history', payload: { conversation_id: 3 } },
      { type: 'catch_up', payload: { after: 9 } },
      { type: 'ping', payload: {} },
    ];
    for (const event of minimal) expect(parseClientEvent(frame(event))).toEqual({ ok: true, event });
  });

  it('returns a typed event that narrows on its type', () => {
    const result = parseClientEvent(frame(clientSamples.send_message));
    expectTypeOf(result).toEqualTypeOf<{ ok: true; event: ClientEvent } | { ok: false; error: ParseError }>();
    if (!result.ok || result.event.type !== 'send_message') throw new Error('expected a send_message');
    expectTypeOf(result.event.payload).toEqualTypeOf<{ conversation_id: number; content: string; client_id: string; reply_to?: number; attachments?: string[] }>();
    expectTypeOf(result.event.id).toEqualTypeOf<string | undefined>();
    expect(result.event.payload.content).toBe('hi');
  });
});
