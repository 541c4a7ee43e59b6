import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_EVENT_TYPES, ErrorCode, parseClientEvent, parseServerEvent, SERVER_EVENT_TYPES } from '../src/index.js';

const parsers = [parseClientEvent, (text: string) => parseServerEvent(text), (text: string) => parseServerEvent(text, { strict: true })];
const DEPTH = 100_000;

function codeOf(text: string): string | undefined {
  const result = parseClientEvent(text);
  return result.ok ? undefined : result.error.code;
}

describe('hostile frames', () => {
  it.each([
    ['1e400', 'must be integer'],
    ['-1e400', 'must be integer'],
    ['1e20', '<= 9007199254740991'],
    ['123456789012345678901234567890', '<= 9007199254740991'],
    ['9007199254740992', '<= 9007199254740991'],
  ])('refuses the number %s in an integer field as invalid_payload', (number, detail) => {
    const result = parseClientEvent(`{"type":"catch_up","payload":{"after":${number}},"id":"r1"}`);
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidPayload, path: '/payload/after', id: 'r1' } });
    expect(!result.ok && result.error.message).toContain(detail);
  });

  it('refuses NaN and Infinity literals as invalid_json', () => {
    expect(codeOf('{"type":"catch_up","payload":{"after":NaN}}')).toBe(ErrorCode.InvalidJson);
    expect(codeOf('{"type":"catch_up","payload":{"after":Infinity}}')).toBe(ErrorCode.InvalidJson);
  });

  it('survives deeply nested JSON as the frame, in an extra field and in place of content', () => {
    const arrays = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
    const objects = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
    expect(codeOf(arrays)).toBe(ErrorCode.InvalidFrame);
    expect(codeOf(`{"type":"ping","payload":${objects}}`)).toBe(ErrorCode.InvalidPayload);
    expect(codeOf(`{"type":"ping","payload":{},"deep":${arrays}}`)).toBe(ErrorCode.InvalidPayload);
    expect(codeOf(`{"type":"send_message","payload":{"conversation_id":1,"client_id":"c","content":${arrays}}}`)).toBe(
      ErrorCode.InvalidPayload,
    );
    expect(parseServerEvent(`{"type":"caught_up","payload":{"changes":${arrays},"has_more":false,"cursor":0}}`).ok).toBe(false);
  });

  it('accepts deeply nested JSON in an undeclared field of a server frame without walking into it, unless strict', () => {
    const objects = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
    expect(parseServerEvent(`{"type":"pong","payload":{"deep":${objects}},"deeper":${objects}}`).ok).toBe(true);
    expect(parseServerEvent(`{"type":"pong","payload":{"deep":${objects}}}`, { strict: true })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidPayload, path: '/payload' },
    });
  });

  it('keeps the echoed type short when the type is huge', () => {
    const result = parseClientEvent(JSON.stringify({ type: 'x'.repeat(100_000), payload: {} }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message.length).toBeLessThan(100);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('treats the type %s as unknown', (type) => {
    expect(codeOf(JSON.stringify({ type, payload: {} }))).toBe(ErrorCode.UnknownType);
  });

  it('refuses a __proto__ key as an unexpected field without touching Object.prototype', () => {
    expect(codeOf('{"type":"ping","payload":{"__proto__":{"polluted":true}}}')).toBe(ErrorCode.InvalidPayload);
    expect(codeOf('{"type":"ping","payload":{},"__proto__":{"polluted":true}}')).toBe(ErrorCode.InvalidPayload);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps a __proto__ key of a server frame as a plain field, tolerant, and refuses it when strict', () => {
    const text = '{"type":"pong","payload":{"__proto__":{"polluted":true}},"__proto__":{"polluted":true}}';
    const result = parseServerEvent(text);
    expect(result.ok).toBe(true);
    expect(result.ok && Object.getPrototypeOf(result.event.payload)).toBe(Object.prototype);
    expect(result.ok && Object.hasOwn(result.event, '__proto__')).toBe(true);
    expect(parseServerEvent(text, { strict: true })).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidPayload } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a huge unknown type from a server with unknown_type, echoing it short', () => {
    const result = parseServerEvent(JSON.stringify({ type: 'x'.repeat(100_000), payload: {} }));
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.UnknownType } });
    expect(!result.ok && result.error.message.length).toBeLessThan(100);
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        for (const parse of parsers) expect(typeof parse(text).ok).toBe('boolean');
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on any JSON payload for any event type', () => {
    const types = fc.constantFrom(...CLIENT_EVENT_TYPES, ...SERVER_EVENT_TYPES, 'nope');
    fc.assert(
      fc.property(types, fc.jsonValue(), fc.option(fc.jsonValue()), (type, payload, id) => {
        const text = JSON.stringify({ type, payload, id });
        for (const parse of parsers) {
          const result = parse(text);
          if (!result.ok) expect(Object.values(ErrorCode)).toContain(result.error.code);
        }
      }),
      { numRuns: 300 },
    );
  });
});
