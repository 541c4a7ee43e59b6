import { describe, expect, it } from 'vitest';
import { format, type FormattedNode } from '../../src/lib/format.js';

const text = (t: string): FormattedNode => ({ kind: 'text', text: t });
const para = (...children: FormattedNode[]): FormattedNode => ({ kind: 'paragraph', children });

/** Every href in a tree. */
function hrefs(nodes: FormattedNode[]): string[] {
  return nodes.flatMap((n) => ('href' in n ? [n.href] : []).concat('children' in n ? hrefs(n.children) : []));
}

/** The tree's text, as a reader would see it. */
function plain(nodes: FormattedNode[]): string {
  return nodes
    .map((n) => ('text' in n ? n.text : 'children' in n ? plain(n.children) : `<@${n.userId}>`))
    .join('');
}

describe('formatting message text', () => {
  it('reads bold, italic, strikethrough and inline code', () => {
    expect(format('**bold** *it* _it_ ~~gone~~ `x < y`')).toEqual([
      para(
        { kind: 'strong', children: [text('bold')] },
        text(' '),
        { kind: 'em', children: [text('it')] },
        text(' '),
        { kind: 'em', children: [text('it')] },
        text(' '),
        { kind: 'del', children: [text('gone')] },
        text(' '),
        { kind: 'code', text: 'x < y' },
      ),
    ]);
  });

  it('reads fenced code blocks and quotes, and keeps single newlines', () => {
    expect(format('```ts\nconst a = 1;\n```')).toEqual([{ kind: 'codeBlock', text: 'const a = 1;', lang: 'ts' }]);
    expect(format('one\ntwo')).toEqual([para(text('one\ntwo'))]);
    expect(format('> quoted\n> more\nnot quoted')).toEqual([{ kind: 'quote', children: [para(text('quoted\nmore'))] }, para(text('not quoted'))]);
    expect(format('Look:\n```\nx = 1\n```\nneat')).toEqual([para(text('Look:')), { kind: 'codeBlock', text: 'x = 1' }, para(text('neat'))]);
  });

  it('starts a quote on the line right after a line of text', () => {
    expect(format('As you said:\n> ship it\nagreed')).toEqual([para(text('As you said:')), { kind: 'quote', children: [para(text('ship it'))] }, para(text('agreed'))]);
    // A `>` inside a line is text.
    expect(format('a > b')).toEqual([para(text('a > b'))]);
  });

  it('makes links of http, https and mailto addresses only', () => {
    expect(hrefs(format('see https://example.org/a?b=1. and [docs](https://example.org/docs) <mailto:a@b.c>'))).toEqual([
      'https://example.org/a?b=1',
      'https://example.org/docs',
      'mailto:a@b.c',
    ]);
    for (const hostile of ['[x](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))', '[x](data:text/html,<script>alert(1)</script>)', '[x](vbscript:msgbox)', '[x](/relative)']) {
      expect(hrefs(format(hostile)), hostile).toEqual([]);
    }
  });

  it('leaves markup, headings, lists and images as the text typed', () => {
    for (const typed of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '# not a heading', '- not a list', '| a | b |']) {
      expect(format(typed), typed).toEqual([para(text(typed))]);
    }
    // An image is a link to it, never an image in the page.
    expect(format('![cat](https://example.org/cat.png)')).toEqual([
      para(text('!'), { kind: 'link', href: 'https://example.org/cat.png', children: [text('cat')] }),
    ]);
  });

  it('reads mentions, except inside code', () => {
    expect(format('hi <@12>!')).toEqual([para(text('hi '), { kind: 'mention', userId: 12 }, text('!'))]);
    expect(format('`<@12>`')).toEqual([para({ kind: 'code', text: '<@12>' })]);
    expect(format('```\n<@12>\n```')).toEqual([{ kind: 'codeBlock', text: '<@12>' }]);
  });

  it('nests, and leaves unclosed markers as text', () => {
    expect(format('**_~~a~~_**')).toEqual([para({ kind: 'strong', children: [{ kind: 'em', children: [{ kind: 'del', children: [text('a')] }] }] })]);
    expect(format('**open and `tick')).toEqual([para(text('**open and `tick'))]);
  });

  it('parses hostile lines whole, in time that grows no faster than the square of their length', () => {
    const units = ['*', '`', '_', '~~a', '*_', '**a', '[(', '[a](', '>', '> ', '<', '\\', 'http://', '```\n'];
    const line = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    // The quickest of three runs, so a busy machine's pauses do not count; compared with a line a quarter as long,
    // so the check is of how the work grows, not of this machine: a line four times as long may take sixteen times
    // as long (messages are at most 4,000 characters), where a backtracking pattern would take seconds.
    const quickest = (text: string) =>
      Math.min(
        ...[0, 1, 2].map(() => {
          const started = performance.now();
          format(text);
          return performance.now() - started;
        }),
      );
    for (const unit of units) {
      const whole = line(unit, 4000);
      expect(quickest(whole), unit).toBeLessThan(24 * quickest(line(unit, 1000)) + 50);
      expect(format(whole).length, unit).toBeGreaterThan(0);
    }
  });

  it('shows quotes nested past four levels as the text typed', () => {
    const deep = format('>>>>>> deep');
    let depth = 0;
    for (let nodes = deep; nodes[0]?.kind === 'quote'; nodes = nodes[0].children) depth++;
    expect(depth).toBe(4);
    expect(plain(deep)).toContain('>> deep');
  });
});
