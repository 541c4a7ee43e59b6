import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MAX_CONTENT_LENGTH, parseClientEvent } from '../src/index.js';
import { hasLoneSurrogate, isBlank } from '../src/text.js';

const send = (content: string) =>
  parseClientEvent(JSON.stringify({ type: 'send_message', payload: { conversation_id: 1, content, client_id: 'c-1' } }));
const codeOf = (content: string) => {
  const result = send(content);
  return result.ok ? 'ok' : result.error.code;
};
const codePoints = (text: string) => [...text].length;

describe('content length', () => {
  it('counts an emoji outside the Basic Multilingual Plane as one character, not two UTF-16 units', () => {
    expect(codeOf('😀'.repeat(MAX_CONTENT_LENGTH))).toBe('ok');
    expect(codeOf('😀'.repeat(MAX_CONTENT_LENGTH + 1))).toBe(ErrorCode.ContentTooLong);
  });

  it('counts a joined emoji by its code points, so one family emoji is five characters', () => {
    const family = '👨‍👩‍👧';
    expect(codePoints(family)).toBe(5);
    expect(codeOf(family.repeat(MAX_CONTENT_LENGTH / 5))).toBe('ok');
    expect(codeOf(`${family.repeat(MAX_CONTENT_LENGTH / 5)}a`)).toBe(ErrorCode.ContentTooLong);
  });

  it('counts a letter with a combining accent as two characters', () => {
    expect(codeOf('e\u0301'.repeat(MAX_CONTENT_LENGTH / 2))).toBe('ok');
    expect(codeOf(`${'e\u0301'.repeat(MAX_CONTENT_LENGTH / 2)}e`)).toBe(ErrorCode.ContentTooLong);
  });

  it('agrees with counting code points for any text that shows something', () => {
    const unit = fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).filter((s) => !isBlank(s.trim()) && !hasLoneSurrogate(s));
    fc.assert(
      fc.property(unit, (text) => {
        const fits = text.repeat(Math.floor(MAX_CONTENT_LENGTH / codePoints(text)));
        expect(codeOf(fits)).toBe('ok');
        expect(codeOf(fits + text)).toBe(ErrorCode.ContentTooLong);
      }),
      { numRuns: 50 },
    );
  });
});
