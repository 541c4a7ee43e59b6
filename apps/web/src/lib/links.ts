/** A link found in message text: what it shows, and where it goes. */
export interface FoundLink {
  text: string;
  href: string;
}

// Candidates start with a scheme; anything else stays text, so `javascript:` and friends can never become links.
const CANDIDATE = /^https?:\/\/[^\s<>"]+/i;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = /[.,;:!?'")\]}*_~]+$/;

/** The http(s) URL the text starts with, without the sentence punctuation after it; undefined if none. */
export function linkAt(text: string): FoundLink | undefined {
  const candidate = CANDIDATE.exec(text)?.[0];
  if (candidate === undefined) return undefined;
  const raw = trimTrailing(candidate);
  const href = safeHref(raw);
  return href === undefined ? undefined : { text: raw, href };
}

/** Keeps a closing bracket that has its opening one inside the URL, as in Wikipedia links. */
function trimTrailing(url: string): string {
  const tail = TRAILING.exec(url)?.[0] ?? '';
  let keep = url.slice(0, url.length - tail.length);
  for (const char of tail) {
    const open = char === ')' ? '(' : char === ']' ? '[' : undefined;
    if (open === undefined || count(keep, open) <= count(keep, char)) break;
    keep += char;
  }
  return keep;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** Addresses that may become links: http, https and mailto; anything else (javascript:, data:, relative) stays text. */
export function safeHref(target: unknown): string | undefined {
  if (typeof target !== 'string') return undefined;
  try {
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
