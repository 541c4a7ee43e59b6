import { describe, expect, it } from 'vitest';
import { hasLoneSurrogate, isBlank, isEmoji, loneSurrogatePath, mixesScripts } from '../src/text.js';

describe('hasLoneSurrogate', () => {
  it('finds half a character that JSON.parse makes from a \\ud800 escape', () => {
    expect(hasLoneSurrogate(JSON.parse('"a\\ud800b"') as string)).toBe(true);
    expect(hasLoneSurrogate('\udfff')).toBe(true);
  });

  it('takes a surrogate pair for the one character it is', () => {
    expect(hasLoneSurrogate('😀 \ud83d\ude00')).toBe(false);
    expect(hasLoneSurrogate('')).toBe(false);
  });
});

describe('loneSurrogatePath', () => {
  it('points at the first string holding a lone surrogate, at any depth', () => {
    expect(loneSurrogatePath({ type: 'x', payload: { a: 'ok', list: ['fine', 'bad\ud800'] } })).toBe('/payload/list/1');
    expect(loneSurrogatePath({ id: '\udc00' })).toBe('/id');
  });

  it('escapes a key as a JSON pointer does', () => {
    expect(loneSurrogatePath({ 'a/b~c': '\ud800' })).toBe('/a~1b~0c');
  });

  it('finds nothing in well-formed text, numbers, booleans and null', () => {
    expect(loneSurrogatePath({ a: 1, b: true, c: null, d: ['😀'], e: {} })).toBeUndefined();
  });
});

describe('isBlank', () => {
  it.each([
    ['nothing', ''],
    ['spaces and line breaks', ' \n\t\u00a0\u3000\u2028'],
    ['zero-width spaces and joiners', '\u200b\u200c\u200d'],
    ['a word joiner and a byte order mark', '\u2060\ufeff'],
    ['Hangul fillers', '\u3164\u115f\u1160\uffa0'],
    ['the blank Braille pattern', '\u2800'],
    ['bidi controls', '\u202e\u2066\u2069\u200f'],
    ['a soft hyphen and a combining grapheme joiner', '\u00ad\u034f'],
    ['variation selectors alone', '\ufe0f\u{E0100}'],
    ['tag characters', '\u{E0041}\u{E007F}'],
    ['control characters', '\u0000\u0007'],
  ])('takes %s for blank', (_, text) => {
    expect(isBlank(text)).toBe(true);
  });

  it.each([
    ['a letter among invisible characters', '\u200bx\u200b'],
    ['an emoji', '❤️'],
    ['a dot', '.'],
    ['a combining accent, which draws', '\u0301'],
  ])('does not take %s for blank', (_, text) => {
    expect(isBlank(text)).toBe(false);
  });
});

describe('mixesScripts', () => {
  it('sees Latin and Cyrillic letters in one word', () => {
    expect(mixesScripts('p\u0430ypal')).toBe(true);
  });

  it('lets digits, punctuation, emoji and combining marks go with any script', () => {
    expect(mixesScripts('Иван_1990 🎉')).toBe(false);
    expect(mixesScripts('e\u0301te\u0301')).toBe(false);
  });

  it('lets Latin go with the scripts Chinese, Japanese and Korean are written in, as UTS #39 allows, and no other mix', () => {
    expect(mixesScripts('Ken 山田 たろう カナ')).toBe(false);
    expect(mixesScripts('Mei 小明 ㄅ')).toBe(false);
    expect(mixesScripts('Min 金 김')).toBe(false);
    expect(mixesScripts('김 たろう')).toBe(true);
    expect(mixesScripts('ㄅ カナ')).toBe(true);
  });
});

describe('isEmoji', () => {
  it('measures a reaction in UTF-16 code units, as the contract says', () => {
    // Eight women joined: 15 code points, 31 code units, one grapheme in today's segmenters.
    const joined = Array(8).fill('\u{1F469}').join('\u200D');
    expect(joined.length).toBe(23);
    expect(isEmoji(joined)).toBe(true);
    const longer = Array(12).fill('\u{1F469}').join('\u200D');
    expect([...longer].length).toBeLessThanOrEqual(32);
    expect(longer.length).toBeGreaterThan(32);
    expect(isEmoji(longer)).toBe(false);
  });

  it('refuses invisible tag characters riding along, and keeps the subdivision flags made of them', () => {
    const tags = [...'hidden'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    expect(isEmoji(`\u{1F44D}${tags}`)).toBe(false);
    expect(isEmoji(`\u{1F44D}\u{E0001}`)).toBe(false);
    const scotland = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
    expect(isEmoji(scotland)).toBe(true);
    expect(isEmoji('\u{1F44D}')).toBe(true);
  });
});
