import { describe, expect, it } from 'vitest';
import {
  CLIENT_EVENT_TYPES,
  ErrorCode,
  parseClientEvent,
  parseServerEvent,
  serverEvent,
  SERVER_EVENT_TYPES,
  type ParseError,
} from '../src/index.js';
import { alice, bob, changeSamples, clientSamples, dm, frame, hello, lobby, serverSamples } from './samples.js';

const modes = [
  ['tolerant', {}],
  ['strict', { strict: true }],
] as const;

function refusal(text: string, options: { strict?: boolean } = {}): ParseError {
  const result = parseServerEvent(text, options);
  if (result.ok) throw new Error(`expected ${text.slice(0, 80)} to be refused`);
  return result.error;
}

describe('parseServerEvent', () => {
  it.each(SERVER_EVENT_TYPES)('accepts a valid %s frame as it was sent, tolerant or strict', (type) => {
    const sample = serverSamples[type];
    expect(parseServerEvent(frame(sample))).toEqual({ ok: true, event: sample });
    expect(parseServerEvent(frame(sample), { strict: true })).toEqual({ ok: true, event: sample });
  });

  it('accepts what serverEvent builds, with and without a request id', () => {
    expect(parseServerEvent(frame(serverEvent('message', hello, 'r1')))).toEqual({
      ok: true,
      event: { type: 'message', payload: hello, id: 'r1' },
    });
    expect(parseServerEvent(frame(serverEvent('user_offline', { user_id: 2 })))).toEqual({
      ok: true,
      event: { type: 'user_offline', payload: { user_id: 2 } },
    });
  });

  it('accepts a live change with its seq, prev and stream, and the same frame with an id as the sender’s reply', () => {
    for (const change of Object.values(changeSamples)) {
      expect(parseServerEvent(frame(change), { strict: true })).toEqual({ ok: true, event: change });
      const reply = { ...change, id: 'r7' };
      expect(parseServerEvent(frame(reply), { strict: true })).toEqual({ ok: true, event: reply });
    }
  });

  it('accepts a change frame without its numbers, as a retried send or an existing DM is answered', () => {
    const retried = { type: 'message', payload: hello, id: 'r2' };
    const existingDm = { type: 'conversation_created', payload: { conversation: dm }, id: 'r3' };
    expect(parseServerEvent(frame(retried), { strict: true })).toEqual({ ok: true, event: retried });
    expect(parseServerEvent(frame(existingDm), { strict: true })).toEqual({ ok: true, event: existingDm });
  });

  it('accepts an auth_ok without cursor or protocol_version, as a protocol 1 server sends it', () => {
    const { cursor: _cursor, protocol_version: _version, ...payload } = serverSamples.auth_ok.payload;
    const old = { type: 'auth_ok', payload };
    expect(parseServerEvent(frame(old), { strict: true })).toEqual({ ok: true, event: old });
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

  it.each(modes)(
    'refuses a type it does not know with unknown_type and the request id (%s), which a client skips and counts',
    (_, options) => {
      const newer = { type: 'reaction_added', payload: { message_id: 42, emoji: '👍' }, seq: 61, prev: 57, stream: 'c1', id: 'r4' };
      expect(refusal(frame(newer), options)).toEqual({
        code: ErrorCode.UnknownType,
        message: 'Unknown event type "reaction_added"',
        id: 'r4',
      });
    },
  );

  // Error codes and conversation types are open lists: a later server may add to them.
  it.each([
    ['an error code added later', { type: 'error', payload: { message: 'x', code: 'not_an_admin' } }, '/payload/code'],
    ['a conversation type added later', { type: 'conversation_created', payload: { conversation: { ...lobby, type: 'room' } } }, '/payload/conversation/type'],
    ['an auth_error code added later', { type: 'auth_error', payload: { message: 'x', code: 'account_suspended' } }, '/payload/code'],
  ])('accepts %s, which strict parsing refuses with invalid_payload and the path', (_, value, path) => {
    expect(parseServerEvent(frame(value))).toEqual({ ok: true, event: value });
    expect(refusal(frame(value), { strict: true })).toMatchObject({ code: ErrorCode.InvalidPayload, path });
  });

  describe.each(modes)('whether %s or not', (_, options) => {
    it.each([
      ['a message without client_id', { type: 'message', payload: { ...hello, client_id: undefined } }, '/payload'],
      ['a user_online without its user', { type: 'user_online', payload: {} }, '/payload'],
      ['a user_online whose user has no nickname', { type: 'user_online', payload: { user: { id: 2 } } }, '/payload/user'],
      ['a user_offline with a user id of 0', { type: 'user_offline', payload: { user_id: 0 } }, '/payload/user_id'],
      ['a user_joined without its user', { type: 'user_joined', payload: {}, seq: 3, prev: 0, stream: 'all' }, '/payload'],
      ['a negative last_message_id', { type: 'auth_ok', payload: { ...serverSamples.auth_ok.payload, last_message_id: -1 } }, '/payload/last_message_id'],
      ['a fractional auth_ok cursor', { type: 'auth_ok', payload: { ...serverSamples.auth_ok.payload, cursor: 1.5 } }, '/payload/cursor'],
      ['a protocol_version of 0', { type: 'auth_ok', payload: { ...serverSamples.auth_ok.payload, protocol_version: 0 } }, '/payload/protocol_version'],
      ['a negative seq on a change', { ...changeSamples.message, seq: -1 }, '/seq'],
      ['a prev that is not a number', { ...changeSamples.message, prev: '51' }, '/prev'],
      ['a stream longer than 32 characters', { ...changeSamples.user_joined, stream: 's'.repeat(33) }, '/stream'],
      ['a has_more that is not a boolean', { type: 'caught_up', payload: { changes: [], has_more: 'no', cursor: 0 } }, '/payload/has_more'],
      ['a caught_up without its cursor', { type: 'caught_up', payload: { changes: [], has_more: false } }, '/payload'],
      ['a catch-up change without its seq', { type: 'caught_up', payload: { changes: [{ ...changeSamples.message, seq: undefined }], has_more: false, cursor: 57 } }, '/payload/changes/0'],
      ['a catch-up change without its stream', { type: 'caught_up', payload: { changes: [{ ...changeSamples.message, stream: undefined }], has_more: false, cursor: 57 } }, '/payload/changes/0'],
      ['a fractional retry_after_ms', { type: 'error', payload: { message: 'x', code: 'rate_limited', retry_after_ms: 1.5 } }, '/payload/retry_after_ms'],
    ])('refuses %s with invalid_payload and the path', (_, value, path) => {
      expect(refusal(frame(value), options)).toMatchObject({ code: ErrorCode.InvalidPayload, path });
    });
  });
});

/** Frames carrying fields the protocol does not declare, each with the object strict parsing blames (the deepest). */
const grown: [string, Record<string, unknown>, string][] = [
  ['a top-level field', { ...serverSamples.pong, trace: 'abc' }, ''],
  ['a field in a payload with no fields', { type: 'pong', payload: { at: 1 } }, '/payload'],
  ['a field in an auth_ok payload', { ...serverSamples.auth_ok, payload: { ...serverSamples.auth_ok.payload, motd: 'hi' } }, '/payload'],
  [
    'a field in a user inside a list',
    { ...serverSamples.auth_ok, payload: { ...serverSamples.auth_ok.payload, users: [alice, { ...bob, avatar: 'b.png' }] } },
    '/payload/users/1',
  ],
  [
    'a field in a member of a conversation',
    { ...serverSamples.conversation_created, payload: { conversation: { ...dm, members: [alice, { ...bob, pronouns: { text: 'she/her', shown: true } }] } } },
    '/payload/conversation/members/1',
  ],
  ['a field in a conversation', { type: 'conversation_created', payload: { conversation: { ...dm, topic: 'lunch' } } }, '/payload/conversation'],
  ['a field in a live message', { ...changeSamples.message, payload: { ...hello, pinned_at: 1767312100 } }, '/payload'],
  ['a field in a message of a history page', { ...serverSamples.history, payload: { ...serverSamples.history.payload, messages: [{ ...hello, pinned_by: 3 }] } }, '/payload/messages/0'],
  ['a field in presence news', { type: 'user_online', payload: { user: { ...bob, device: 'phone' }, since: 1767312000 } }, '/payload/user'],
  ['a field in an error', { ...serverSamples.error, payload: { ...serverSamples.error.payload, docs: 'https://chat.example/errors' } }, '/payload'],
];

describe('tolerance of undeclared fields', () => {
  it.each(grown)('accepts %s and keeps it in the event', (_, value) => {
    expect(parseServerEvent(frame(value))).toEqual({ ok: true, event: value });
  });

  it('accepts undeclared fields at every depth of one frame at once', () => {
    const value = {
      type: 'caught_up',
      payload: {
        changes: [{ ...changeSamples.conversation_created, payload: { conversation: { ...dm, members: [{ ...alice, x: [{ y: 1 }] }], z: null }, w: 2 }, v: 3 }],
        has_more: false,
        cursor: 58,
        u: { t: [] },
      },
      id: 'c',
      s: true,
    };
    expect(parseServerEvent(frame(value))).toEqual({ ok: true, event: value });
  });

  it.each(grown)('refuses %s when strict, with invalid_payload naming the field and where it is', (_, value, path) => {
    const error = refusal(frame(value), { strict: true });
    expect(error).toMatchObject({ code: ErrorCode.InvalidPayload, path });
    expect(error.message).toContain('unexpected field');
  });

  it('checks only the numbers of a catch-up change, even strictly: each change is parsed again as a frame of its own', () => {
    const unknown = { type: 'reaction_added', payload: { message_id: 42 }, seq: 61, prev: 57, stream: 'c1' };
    const grownChange = { ...changeSamples.message, payload: { ...hello, pinned_at: 1 } };
    const page = { type: 'caught_up', payload: { changes: [changeSamples.message, unknown, grownChange], has_more: false, cursor: 61 } };
    expect(parseServerEvent(frame(page), { strict: true })).toEqual({ ok: true, event: page });
    expect(refusal(frame(unknown), { strict: true }).code).toBe(ErrorCode.UnknownType);
    expect(parseServerEvent(frame(grownChange)).ok).toBe(true);
    expect(refusal(frame(grownChange), { strict: true }).path).toBe('/payload');
  });

  it.each(CLIENT_EVENT_TYPES)('keeps the client event %s strict: an undeclared field in it is refused', (type) => {
    const sample = clientSamples[type];
    expect(parseClientEvent(frame({ ...sample, payload: { ...sample.payload, extra: 1 } }))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidPayload, path: '/payload', message: '/payload: unexpected field "extra"' },
    });
    expect(parseClientEvent(frame({ ...sample, extra: 1 }))).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidPayload, path: '' } });
  });
});
