import { SEARCH_WORD, type SearchTerms } from '@hearth/protocol';
import { format, type FormattedNode } from './format.js';

/** A piece of text, and whether it is a word the search looked for. */
export interface TextPart {
  text: string;
  match: boolean;
}

/** A word as the server's index compares it: accents dropped, lower case. */
const fold = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Text split around the words a search looked for, so they can be marked without writing HTML. Words are told apart
 * as the server tells them, so what is marked is what matched.
 */
export function highlight(text: string, terms: SearchTerms): TextPart[] {
  const wanted = terms.words.map(fold);
  const prefix = terms.prefix ? wanted.at(-1) : undefined;
  const exact = new Set(prefix === undefined ? wanted : wanted.slice(0, -1));
  const parts: TextPart[] = [];
  let at = 0;
  for (const found of text.matchAll(SEARCH_WORD)) {
    const word = fold(found[0]);
    if (!exact.has(word) && !(prefix !== undefined && word.startsWith(prefix))) continue;
    if (found.index > at) parts.push({ text: text.slice(at, found.index), match: false });
    parts.push({ text: found[0], match: true });
    at = found.index + found[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/**
 * The parts from a little before the first match on, so a long message shows why it was found: the text before it
 * is cut back to the start of a word, after an ellipsis.
 */
export function fromFirstMatch(parts: TextPart[], lead = 60): TextPart[] {
  const first = parts.findIndex((part) => part.match);
  const before = parts[first - 1];
  if (first <= 0 || before === undefined || before.text.length <= lead) return parts;
  const cut = before.text.slice(-lead).replace(/^\S*\s/u, '');
  return [{ text: `…${cut}`, match: false }, ...parts.slice(first)];
}

/** Message content as it reads on one line: formatting marks gone, mentions as @nicknames, white space as one space. */
export function readable(content: string, nickname: (id: number) => string): string {
  const words = (nodes: FormattedNode[]): string =>
    nodes
      .map((node) => {
        if (node.kind === 'text' || node.kind === 'code' || node.kind === 'codeBlock') return node.text;
        if (node.kind === 'mention') return `@${nickname(node.userId)}`;
        const inner = words(node.children);
        return node.kind === 'paragraph' || node.kind === 'quote' ? ` ${inner} ` : inner;
      })
      .join('');
  return words(format(content)).replace(/\s+/g, ' ').trim();
}
