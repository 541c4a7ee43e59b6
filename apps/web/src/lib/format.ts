import SimpleMarkdown, { type ParserRules, type SingleASTNode } from '@khanacademy/simple-markdown';
import { linkAt, safeHref } from './links.js';

/**
 * Message text as a tree to draw, element by element: the chat's markdown subset (bold, italic, strikethrough, code,
 * code blocks, quotes, links) and mentions. Text never becomes HTML: whatever the subset does not know is drawn as
 * the characters typed, and only http, https and mailto addresses become links.
 */
export type FormattedNode =
  | { kind: 'text'; text: string }
  | { kind: 'strong' | 'em' | 'del' | 'paragraph' | 'quote' | 'span'; children: FormattedNode[] }
  | { kind: 'code'; text: string }
  | { kind: 'codeBlock'; text: string; lang?: string }
  | { kind: 'link'; href: string; children: FormattedNode[] }
  | { kind: 'mention'; userId: number };

const rules = SimpleMarkdown.defaultRules;

// Mentions are `<@id>` tokens; matched before autolinks, which also start with `<`.
const mention = {
  order: rules.autolink.order - 0.5,
  match: SimpleMarkdown.inlineRegex(/^<@([1-9]\d{0,15})>/),
  parse: (capture: string[]) => ({ userId: Number(capture[1]) }),
};

/**
 * Inline code, found by walking runs of backticks: the usual pattern backtracks over a long run of them, taking
 * seconds for one hostile message of 4,000.
 */
const inlineCode = {
  order: rules.inlineCode.order,
  match: (source: string, state: { inline?: boolean }) => {
    if (!state.inline || source[0] !== '`') return null;
    const open = runAt(source, 0);
    for (let at = source.indexOf('`', open); at !== -1; ) {
      const run = runAt(source, at);
      if (run === open && at > open) return Object.assign([source.slice(0, at + run), source.slice(open, at)], { index: 0, input: source });
      at = source.indexOf('`', at + run);
    }
    return null;
  },
  parse: (capture: string[]) => ({ content: capture[1]!.replace(/^ (.*) $/s, '$1') }),
};

/**
 * `[text](address)`, without brackets inside the text: the usual pattern allows nesting and backtracks for seconds
 * over a line of `[a](` repeated.
 */
const link = {
  order: rules.link.order,
  match: SimpleMarkdown.inlineRegex(/^\[([^[\]\n]{1,500})\]\(\s*<?([^\s()<>]{1,2000})>?\s*\)/),
  parse: (capture: string[], nested: (source: string, state: object) => unknown, state: object) => ({
    content: nested(capture[1]!, state),
    target: capture[2],
  }),
};

/** Bare http(s) URLs, without the sentence punctuation after them (see `linkAt`). */
const url = {
  order: rules.url.order,
  match: (source: string, state: { inline?: boolean }) => {
    const found = state.inline ? linkAt(source) : undefined;
    return found === undefined ? null : Object.assign([found.text], { index: 0, input: source });
  },
  parse: (capture: string[]) => ({ type: 'link', content: [{ type: 'text', content: capture[0] }], target: capture[0] }),
};

const NOT_BACKTICK = /[^`]/g;

/** How many backticks in a row start at `at`. */
function runAt(source: string, at: number): number {
  NOT_BACKTICK.lastIndex = at;
  const end = NOT_BACKTICK.exec(source)?.index ?? source.length;
  return end - at;
}

/** Quotes in quotes this deep at most; deeper `>` stay text, and a line of them cannot exhaust the stack. */
const MAX_QUOTE_DEPTH = 4;

type BlockState = { inline?: boolean; quoteDepth?: number };
type Nested = Parameters<typeof SimpleMarkdown.parseBlock>[0];

/** Consecutive lines starting with `>`, as chats quote: a line without one ends the quote. */
const blockQuote = {
  order: rules.blockQuote.order,
  match: (source: string, state: BlockState) =>
    state.inline || (state.quoteDepth ?? 0) >= MAX_QUOTE_DEPTH ? null : /^( *>[^\n]*(?:\n *>[^\n]*)*)\n*/.exec(source),
  parse: (capture: string[], nested: Nested, state: BlockState) => {
    state.quoteDepth = (state.quoteDepth ?? 0) + 1;
    try {
      return { content: SimpleMarkdown.parseBlock(nested, capture[1]!.replace(/^ *> ?/gm, ''), state as never) };
    } finally {
      state.quoteDepth -= 1;
    }
  },
};

/** A fenced code block; text may follow on the very next line, as people write in a chat. */
const fence = {
  order: rules.fence.order,
  match: SimpleMarkdown.blockRegex(/^ *(`{3,}|~{3,}) *([^\s`]+)? *\n([\s\S]*?)\n? *\1 *(?:\n+|$)/),
  parse: (capture: string[]) => ({ type: 'codeBlock', lang: capture[2], content: capture[3] }),
};

/** Lines up to a blank line, a fence or a quote, so a code block or a quote may start on the line after some text. */
const paragraph = {
  order: rules.paragraph.order,
  match: SimpleMarkdown.blockRegex(/^((?:[^\n]|\n(?! *\n)(?! *(?:`{3}|~{3}))(?! *>))+)\n*/),
  parse: (capture: string[], nested: Nested, state: BlockState) => ({ content: SimpleMarkdown.parseInline(nested, capture[1]!, state as never) }),
};

/** The subset: everything else (headings, lists, tables, images, HTML) stays text. */
const subset: ParserRules = {
  fence,
  blockQuote,
  newline: rules.newline,
  paragraph,
  escape: rules.escape,
  mention,
  autolink: rules.autolink,
  mailto: rules.mailto,
  url,
  link,
  strong: rules.strong,
  em: rules.em,
  del: rules.del,
  inlineCode,
  text: rules.text,
} as unknown as ParserRules;

const parse = SimpleMarkdown.parserFor(subset);

/**
 * Parses message text; a trailing pair of newlines makes the parser read it as blocks, as a message is. Should the
 * parser ever fail on some text, the text is shown as it is rather than not at all.
 */
export function format(content: string): FormattedNode[] {
  try {
    return convert(parse(`${content}\n\n`, { inline: false }));
  } catch {
    return [{ kind: 'paragraph', children: [{ kind: 'text', text: content }] }];
  }
}

function convert(nodes: readonly SingleASTNode[]): FormattedNode[] {
  const out: FormattedNode[] = [];
  for (const node of nodes) {
    const converted = convertOne(node);
    if (converted === undefined) continue;
    // Neighbouring runs of text are one, so the page holds fewer nodes.
    const last = out.at(-1);
    if (converted.kind === 'text' && last?.kind === 'text') last.text += converted.text;
    else out.push(converted);
  }
  return out;
}

function convertOne(node: SingleASTNode): FormattedNode | undefined {
  switch (node.type) {
    case 'text':
      return { kind: 'text', text: String(node.content) };
    case 'newline':
      return undefined;
    case 'paragraph':
    case 'strong':
    case 'em':
    case 'del':
      return { kind: node.type, children: convert(node.content as SingleASTNode[]) };
    case 'blockQuote':
      return { kind: 'quote', children: convert(node.content as SingleASTNode[]) };
    case 'inlineCode':
      return { kind: 'code', text: String(node.content) };
    case 'codeBlock':
      return node.lang ? { kind: 'codeBlock', text: String(node.content), lang: String(node.lang) } : { kind: 'codeBlock', text: String(node.content) };
    case 'mention':
      return { kind: 'mention', userId: node.userId as number };
    case 'link': {
      const children = convert(node.content as SingleASTNode[]);
      const href = safeHref(node.target);
      return href === undefined ? { kind: 'span', children } : { kind: 'link', href, children };
    }
    default:
      return { kind: 'text', text: typeof node.content === 'string' ? node.content : '' };
  }
}
