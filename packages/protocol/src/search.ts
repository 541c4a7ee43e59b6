import { SEARCH_PREFIX_MIN_LENGTH } from './limits.js';

/**
 * A word of a search query, and of the text searched: a letter, digit or private-use character, then any more of
 * those and combining marks. Everything else separates words, as in the server's index (SQLite's unicode61
 * tokenizer). Global: use `matchAll`.
 */
export const SEARCH_WORD = /[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{Co}\p{M}]*/gu;

/** What a `search` query looks for: every one of `words`, the last also as the start of longer words when `prefix`. */
export interface SearchTerms {
  words: string[];
  prefix: boolean;
}

/** A `*` right after the last word, with nothing but spaces after it. */
const STARRED = /[\p{L}\p{N}\p{Co}\p{M}]\*\s*$/u;

/** A word as the index compares words: without case or accents. */
const folded = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The words of a query, as the server reads them; none means there is nothing to search for (`invalid_query`). A
 * word repeated is looked for once (a repeat adds nothing to find, only work), and a starred word already asked for
 * whole is looked for whole.
 */
export function searchTerms(query: string): SearchTerms {
  const typed = Array.from(query.matchAll(SEARCH_WORD), (match) => match[0]);
  const seen = new Set<string>();
  const words = typed.filter((word) => !seen.has(folded(word)) && seen.add(folded(word)));
  const last = typed.at(-1);
  const prefix =
    last !== undefined &&
    STARRED.test(query) &&
    [...last.replace(/\p{M}/gu, '')].length >= SEARCH_PREFIX_MIN_LENGTH &&
    typed.findIndex((word) => folded(word) === folded(last)) === typed.length - 1;
  return { words, prefix };
}
