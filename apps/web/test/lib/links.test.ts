import { describe, expect, it } from 'vitest';
import { linkAt, safeHref } from '../../src/lib/links.js';

describe('finding a link at the start of message text', () => {
  it('finds none in text that does not start with one', () => {
    expect(linkAt('just <b>words</b> https://example.com')).toBeUndefined();
  });

  it('takes http and https URLs and leaves the sentence punctuation outside', () => {
    expect(linkAt('https://example.com/a?b=1. and more')).toEqual({ text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' });
    expect(linkAt('http://x.org/y!')).toEqual({ text: 'http://x.org/y', href: 'http://x.org/y' });
  });

  it('keeps a closing bracket that belongs to the URL', () => {
    expect(linkAt('https://en.wikipedia.org/wiki/Fire_(element))')?.text).toBe('https://en.wikipedia.org/wiki/Fire_(element)');
  });

  it('never links other schemes', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<script>x</script>', 'file:///etc/passwd', 'ftp://x.org']) {
      expect(linkAt(text)).toBeUndefined();
      expect(safeHref(text)).toBeUndefined();
    }
  });

  it('does not let quotes or angle brackets into a link', () => {
    expect(linkAt('https://evil.example/">x</a>')?.text).toBe('https://evil.example/');
  });
});
