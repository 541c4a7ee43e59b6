import { describe, expect, it } from 'vitest';
import { ErrorCode, parseServerEvent, serverEvent, SERVER_EVENT_TYPES, type ParseError } from '../src/index.js';
import { alice, frame, hello, lobby, serverSamples } from './samples.js';

function refusal(text: string): ParseError {
  const result = parseServerEvent(text);
  if (result.ok) throw new Error(`expected ${text.slice(0, 80)} to be refused`);
  return result.error;
}

describe('parseServerEvent', () => {
  it.each(SERVER_EVENT_TYPES)('accepts a valid %s frame as it was sent', (type) => {
    const sample = serverSamples[type];
    expect(parseServerEvent(frame(sample))).toEqual({ ok: true, event: sample });
  });

  it('accepts what serverEvent builds, with and without a request id', () => {
    expect(parseServerEvent(frame(serverEvent('message', hello, 'r1')))).toEqual({
      ok: true,
      event: { type: 'message', payload: hello, id: 'r1' },
    });
    expect(parseServerEvent(frame(serverEvent('user_offline', { user_ids: [2] })))).toEqual({
      ok: true,
      event: { type: 'user_offline', payload: { user_ids: [2] } },
    });
  });

  it('leaves message content exactly as the server sent it', () => {
    const padded = { ...hello, content: '  as sent  ' };
    const result = parseServerEvent(frame({ type: 'message', payload: padded }));
    expect(result).toEqual({ ok: true, event: { type: 'message', payload: padded } });
  });

  it('refuses text that is not JSON and JSON that is not an envelope', () => {
    expect(refusal('<html>').code).toBe(ErrorCode.InvalidJson);
    expect(refusal('[]').code).toBe(ErrorCode.InvalidFrame);
    expect(refusal('{"type":"pong"}').code).toBe(ErrorCode.InvalidFrame);
  });

  it('refuses a client event type with unknown_type', () => {
    expect(refusal(frame({ type: 'send_message', payload: {}, id: 'r1' }))).toMatchObject({
      code: ErrorCode.UnknownType,
      id: 'r1',
    });
  });

  it.each([
    ['an error code nobody defined', { type: 'error', payload: { message: 'x', code: 'oops' } }, '/payload/code'],
    ['a conversation type nobody defined', { type: 'conversation_created', payload: { conversation: { ...lobby, type: 'room' } } }, '/payload/conversation/type'],
    ['a message without client_id', { type: 'message', payload: { ...hello, client_id: undefined } }, '/payload'],
    ['a user with an extra field', { type: 'user_online', payload: { users: [{ ...alice, token: 'secret' }] } }, '/payload/users/0'],
    ['presence news about nobody', { type: 'user_offline', payload: { user_ids: [] } }, '/payload/user_ids'],
    ['a negative last_message_id', { type: 'auth_ok', payload: { ...serverSamples.auth_ok.payload, last_message_id: -1 } }, '/payload/last_message_id'],
    ['a has_more that is not a boolean', { type: 'caught_up', payload: { messages: [], has_more: 'no' } }, '/payload/has_more'],
    ['a fractional retry_after_ms', { type: 'error', payload: { message: 'x', code: 'rate_limited', retry_after_ms: 1.5 } }, '/payload/retry_after_ms'],
    ['a pong with a payload field', { type: 'pong', payload: { at: 1 } }, '/payload'],
  ])('refuses %s with invalid_payload and the path', (_, value, path) => {
    expect(refusal(frame(value))).toMatchObject({ code: ErrorCode.InvalidPayload, path });
  });
});
