/** Code, fenced or inline, where an address is text to read rather than a link (the web app draws it so). */
const CODE = /```[\s\S]*?```|`[^`\n]*`/g;
const LINK = /\bhttps?:\/\/[^\s<>"'`]+/i;
/** Punctuation that ends a sentence more often than an address. */
const TRAILING = /[.,;:!?'"*_~]+$/;

/** The first http or https address in a message's text, outside code, as the web app would make a link of it. */
export function firstLink(text: string): string | undefined {
  let link = LINK.exec(text.replace(CODE, ' '))?.[0];
  if (link === undefined) return undefined;
  link = link.replace(TRAILING, '');
  // A closing bracket belongs to the address only when it opened one: "(see https://x.org/a)".
  while (link.endsWith(')') && count(link, ')') > count(link, '(')) link = link.slice(0, -1).replace(TRAILING, '');
  return URL.canParse(link) ? link : undefined;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
