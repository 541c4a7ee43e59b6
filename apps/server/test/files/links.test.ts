import { randomBytes } from 'node:crypto';
import { FILE_LINK_TTL_S } from '@hearth/protocol';
import { describe, expect, it } from 'vitest';
import { FileLinks } from '../../src/files/links.js';

describe('signed file links', () => {
  const links = new FileLinks(randomBytes(32));
  const query = (text: string) => new URLSearchParams(text);

  it('name the user they were made for until they expire, and nobody after', () => {
    const { query: made, expiresAt } = links.make('A'.repeat(22), 7, 1_000);
    expect(expiresAt).toBe(1_000 + FILE_LINK_TTL_S);
    expect(links.check('A'.repeat(22), query(made), 1_000)).toBe(7);
    expect(links.check('A'.repeat(22), query(made), expiresAt)).toBe(7);
    expect(links.check('A'.repeat(22), query(made), expiresAt + 1)).toBeUndefined();
  });

  it('are refused for another file, or when made with another key', () => {
    const { query: made } = links.make('A'.repeat(22), 7, 1_000);
    expect(links.check('B'.repeat(22), query(made), 1_000)).toBeUndefined();
    expect(new FileLinks(randomBytes(32)).check('A'.repeat(22), query(made), 1_000)).toBeUndefined();
    expect(links.check('A'.repeat(22), query('u=7&e=2000'), 1_000)).toBeUndefined();
  });
});
