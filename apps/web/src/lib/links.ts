/** A run of message text: plain, or a link that is safe to open. */
export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// Candidates start with a scheme; anything else stays text, so `javascript:` and friends can never become links.
const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/gi;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = /[.,;:!?'")\]}]+$/;

/** Splits message text into plain text and http(s) links. The result is rendered as text, never as HTML. */
export function segment(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const raw = trimTrailing(match[0]);
    const href = safeHref(raw);
    if (href === undefined) continue;
    const start = match.index;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
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

function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
