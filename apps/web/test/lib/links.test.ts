import { describe, expect, it } from 'vitest';
import { segment } from '../../src/lib/links.js';

describe('splitting message text into text and links', () => {
  it('leaves text without links as one text segment', () => {
    expect(segment('just <b>words</b>')).toEqual([{ kind: 'text', text: 'just <b>words</b>' }]);
  });

  it('makes http and https URLs links and leaves the sentence punctuation outside', () => {
    expect(segment('see https://example.com/a?b=1. and http://x.org/y!')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. and ' },
      { kind: 'link', text: 'http://x.org/y', href: 'http://x.org/y' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('keeps a closing bracket that belongs to the URL', () => {
    const [, link, rest] = segment('(https://en.wikipedia.org/wiki/Fire_(element))');
    expect(link).toMatchObject({ kind: 'link', text: 'https://en.wikipedia.org/wiki/Fire_(element)' });
    expect(rest).toEqual({ kind: 'text', text: ')' });
  });

  it('never links other schemes', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<script>x</script>', 'file:///etc/passwd', 'ftp://x.org']) {
      expect(segment(text)).toEqual([{ kind: 'text', text }]);
    }
  });

  it('does not let quotes or angle brackets into a link', () => {
    const parts = segment('<a href="https://evil.example/">x</a>');
    expect(parts.filter((p) => p.kind === 'link').map((p) => p.text)).toEqual(['https://evil.example/']);
  });
});
