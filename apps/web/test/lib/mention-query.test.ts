import { describe, expect, it } from 'vitest';
import { matchPeople, mentionQueryAt } from '../../src/lib/mention-query.js';

describe('the mention being typed', () => {
  it('is found at the start, after a space or a bracket, up to the caret', () => {
    expect(mentionQueryAt('@be', 3)).toEqual({ start: 0, end: 3, text: 'be' });
    expect(mentionQueryAt('hi @', 4)).toEqual({ start: 3, end: 4, text: '' });
    expect(mentionQueryAt('hi (@Zoë', 8)).toEqual({ start: 4, end: 8, text: 'Zoë' });
    expect(mentionQueryAt('hi @ben and', 7)).toEqual({ start: 3, end: 7, text: 'ben' });
  });

  it('is not found inside a word, after a space, or far from an @', () => {
    expect(mentionQueryAt('mail ann@example.org', 20)).toBeUndefined();
    expect(mentionQueryAt('hi @ben ', 8)).toBeUndefined();
    expect(mentionQueryAt('no at sign', 10)).toBeUndefined();
    expect(mentionQueryAt(`x${'a'.repeat(40)}@b`, 43)).toBeUndefined();
  });
});

describe('matching people', () => {
  const people = [
    { id: 1, nickname: 'Benedikt' },
    { id: 2, nickname: 'Ben' },
    { id: 3, nickname: 'Rúben' },
    { id: 4, nickname: 'Ann' },
    { id: 5, nickname: 'BENNY' },
  ];
  const online = new Set([5]);

  it('puts nicknames the query starts first, then those it occurs in, online first among equals', () => {
    expect(matchPeople(people, 'ben', (id) => online.has(id)).map((u) => u.nickname)).toEqual(['BENNY', 'Ben', 'Benedikt', 'Rúben']);
  });

  it('ignores case and accents, and offers everyone for an empty query, at most eight', () => {
    expect(matchPeople(people, 'RUB', () => false).map((u) => u.id)).toEqual([3]);
    const many = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, nickname: `P${i}` }));
    expect(matchPeople(many, '', () => false)).toHaveLength(8);
  });
});
