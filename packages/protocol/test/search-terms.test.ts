import { describe, expect, it } from 'vitest';
import { SEARCH_PREFIX_MIN_LENGTH, searchTerms } from '../src/index.js';

describe('searchTerms', () => {
  it('reads the words of a query, in order, whatever separates them', () => {
    expect(searchTerms('  deploy, on friday!  ')).toEqual({ words: ['deploy', 'on', 'friday'], prefix: false });
    expect(searchTerms('snake_case don’t e-mail')).toEqual({ words: ['snake', 'case', 'don', 't', 'e', 'mail'], prefix: false });
  });

  it('takes search syntax as separators or plain words', () => {
    expect(searchTerms('"quoted" -minus NEAR(a b) x:y (z) OR w ^start').words).toEqual([
      'quoted', 'minus', 'NEAR', 'a', 'b', 'x', 'y', 'z', 'OR', 'w', 'start',
    ]);
    expect(searchTerms('*foo bar*baz').prefix).toBe(false);
  });

  it('keeps letters of every script, digits and the combining marks of accents', () => {
    expect(searchTerms('Café e\u0301cole 東京 ١٢٣ Ωmega').words).toEqual(['Café', 'e\u0301cole', '東京', '١٢٣', 'Ωmega']);
  });

  it('finds no word in spaces, punctuation, symbols, emoji or lone combining marks', () => {
    for (const query of ['', '   ', '*', '"" () - : ^', '😀 ❤️ → $ %', '\u0301\u0301', '\u200b\u2060']) {
      expect(searchTerms(query).words, JSON.stringify(query)).toEqual([]);
    }
  });

  it('makes the last word a prefix only with a * right after it, once it is long enough', () => {
    expect(searchTerms('ship deplo*')).toEqual({ words: ['ship', 'deplo'], prefix: true });
    expect(searchTerms('ship deplo*  ').prefix).toBe(true);
    expect(searchTerms('ship deplo * ').prefix).toBe(false);
    expect(searchTerms('ship deplo').prefix).toBe(false);
    expect(searchTerms(`${'x'.repeat(SEARCH_PREFIX_MIN_LENGTH)}*`).prefix).toBe(true);
    expect(searchTerms(`${'x'.repeat(SEARCH_PREFIX_MIN_LENGTH - 1)}*`)).toEqual({ words: ['x'.repeat(SEARCH_PREFIX_MIN_LENGTH - 1)], prefix: false });
    // An accent is no character of its own.
    expect(searchTerms('e\u0301e\u0301*').prefix).toBe(false);
  });

  it('looks for a repeated word once, whatever its case or accents', () => {
    expect(searchTerms(Array(33).fill('kiwi').join(' '))).toEqual({ words: ['kiwi'], prefix: false });
    expect(searchTerms('Café cafe CAFÉ bar')).toEqual({ words: ['Café', 'bar'], prefix: false });
    // A starred word already asked for whole is looked for whole; a new one stays a prefix.
    expect(searchTerms('ship ship*')).toEqual({ words: ['ship'], prefix: false });
    expect(searchTerms('ship ship deplo*')).toEqual({ words: ['ship', 'deplo'], prefix: true });
  });
});
