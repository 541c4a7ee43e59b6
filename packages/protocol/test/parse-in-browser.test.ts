import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ErrorCode, MAX_CONTENT_LENGTH, parseClientEvent, parseServerEvent, type ParseError } from '../src/index.js';
import { explain as briefly } from '../src/parse/explain.browser.js';
import type { explain } from '../src/parse/explain.js';
import { frame } from './samples.js';

// What a browser bundle does: package.json's `browser` field puts explain.browser.js in place of explain.js, and
// strict.browser.js in place of strict.js.
vi.mock('../src/parse/explain.js', () => import('../src/parse/explain.browser.js'));
vi.mock('../src/parse/strict.js', () => import('../src/parse/strict.browser.js'));

const send = (content: string) => frame({ type: 'send_message', payload: { conversation_id: 1, content, client_id: 'c' }, id: 'r1' });

function refusal(result: { ok: true } | { ok: false; error: ParseError }): ParseError {
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

describe('parsing in a browser bundle', () => {
  it('swaps in an explanation of the same shape, as package.json tells bundlers to', () => {
    expectTypeOf(briefly).toEqualTypeOf<typeof explain>();
    const { browser } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { browser: object };
    expect(browser).toEqual({
      './dist/parse/explain.js': './dist/parse/explain.browser.js',
      './dist/parse/strict.js': './dist/parse/strict.browser.js',
    });
  });

  it('refuses content over MAX_CONTENT_LENGTH code points with content_too_long, as the server does', () => {
    expect(refusal(parseClientEvent(send('a'.repeat(MAX_CONTENT_LENGTH + 1))))).toEqual({
      code: ErrorCode.ContentTooLong,
      message: 'Message content is too long',
      path: '/payload/content',
      id: 'r1',
    });
    expect(refusal(parseClientEvent(send('😀'.repeat(MAX_CONTENT_LENGTH + 1)))).code).toBe(ErrorCode.ContentTooLong);
    expect(parseClientEvent(send('😀'.repeat(MAX_CONTENT_LENGTH))).ok).toBe(true);
  });

  it('refuses any other fault in a client frame with invalid_payload and its request id, naming no field', () => {
    const error = refusal(parseClientEvent(frame({ type: 'catch_up', payload: { after: -1 }, id: 'r2' })));
    expect(error).toEqual({ code: ErrorCode.InvalidPayload, message: 'Frame does not match the protocol\'s "catch_up" event', id: 'r2' });
    expect(refusal(parseClientEvent(send('  '))).code).toBe(ErrorCode.ContentEmpty);
    expect(refusal(parseClientEvent(frame({ type: 'send_message', payload: { conversation_id: 1, content: 5, client_id: 'c' } }))).code).toBe(
      ErrorCode.InvalidPayload,
    );
  });

  it('refuses a server frame that does not match the protocol with invalid_payload, naming no field', () => {
    expect(refusal(parseServerEvent(frame({ type: 'user_offline', payload: { user_id: 0 } })))).toEqual({
      code: ErrorCode.InvalidPayload,
      message: 'Frame does not match the protocol\'s "user_offline" event',
    });
    expect(parseServerEvent('{"type":"pong","payload":{"at":1}}').ok).toBe(true);
  });

  it('leaves strict parsing out, refusing every frame as unknown_type, so its checks add nothing to a page', () => {
    expect(refusal(parseServerEvent('{"type":"pong","payload":{}}', { strict: true })).code).toBe(ErrorCode.UnknownType);
  });
});
