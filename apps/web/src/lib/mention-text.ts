import { MENTION_TOKEN, mentionToken } from '@hearth/protocol';

/**
 * The composer shows a mention as `@Alice` and sends it as `<@1>`. What it holds is the text people see and where in
 * it the mentions are; these functions keep the two together while the text is edited, and turn them into the text
 * that goes on the wire and back.
 */

/** `@nickname` at [start, end) of the shown text, standing for the person `id`. */
export interface Mention {
  start: number;
  end: number;
  id: number;
}

/** What the composer holds: the text as shown, and its mentions in order. */
export interface MentionText {
  text: string;
  mentions: Mention[];
}

/** The shown text of a message's content: each `<@id>` becomes `@nickname`, a mention that moves as one piece. */
export function fromWire(content: string, nickname: (id: number) => string): MentionText {
  const mentions: Mention[] = [];
  let text = '';
  let last = 0;
  for (const match of content.matchAll(MENTION_TOKEN)) {
    text += content.slice(last, match.index);
    const shown = `@${nickname(Number(match[1]))}`;
    mentions.push({ start: text.length, end: text.length + shown.length, id: Number(match[1]) });
    text += shown;
    last = match.index + match[0].length;
  }
  return { text: text + content.slice(last), mentions };
}

/** The content to send: each mention back as its token. */
export function toWire({ text, mentions }: MentionText): string {
  let wire = '';
  let last = 0;
  for (const mention of mentions) {
    wire += text.slice(last, mention.start) + mentionToken(mention.id);
    last = mention.end;
  }
  return wire + text.slice(last);
}

/**
 * The mentions of a text after it changed from `before` to `after` (typed, pasted, cut, undone): those before the
 * change stay, those after it move by its length, and one the change reached into is plain text from then on.
 */
export function carryMentions(mentions: readonly Mention[], before: string, after: string): Mention[] {
  let head = 0;
  const shortest = Math.min(before.length, after.length);
  while (head < shortest && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < shortest - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const changedEnd = before.length - tail;
  const shift = after.length - before.length;
  return mentions.flatMap((m) => {
    if (m.end <= head) return [m];
    if (m.start >= changedEnd) return [{ ...m, start: m.start + shift, end: m.end + shift }];
    return [];
  });
}

/** The mention that strictly contains a position, if any: a caret there would be inside the chip. */
export function mentionAround(mentions: readonly Mention[], at: number): Mention | undefined {
  return mentions.find((m) => m.start < at && at < m.end);
}

/**
 * A selection widened to whole mentions, and a caret inside one put at its edge: on the side it came from when it
 * moved one step (arrow keys), else the nearer edge.
 */
export function snapSelection(mentions: readonly Mention[], start: number, end: number, from: number): [number, number] {
  if (start === end) {
    const inside = mentionAround(mentions, start);
    if (inside === undefined) return [start, end];
    const edge = from <= inside.start ? inside.end : from >= inside.end ? inside.start : start - inside.start < inside.end - start ? inside.start : inside.end;
    return [edge, edge];
  }
  return [mentionAround(mentions, start)?.start ?? start, mentionAround(mentions, end)?.end ?? end];
}

/**
 * What a deletion at a caret removes when it meets a mention: the whole mention, as one piece, or undefined when it
 * meets none and the browser's own deletion will do.
 */
export function mentionDeletedAt(mentions: readonly Mention[], caret: number, backward: boolean): Mention | undefined {
  return mentions.find((m) => (backward ? m.end === caret : m.start === caret));
}

/** The text without the given range, its mentions carried over. */
export function removeRange(value: MentionText, start: number, end: number): MentionText {
  const text = value.text.slice(0, start) + value.text.slice(end);
  return { text, mentions: carryMentions(value.mentions, value.text, text) };
}

/** The text with [start, end) replaced by a mention of the person and a space, and where the caret goes after it. */
export function insertMention(
  value: MentionText,
  start: number,
  end: number,
  person: { id: number; nickname: string },
): MentionText & { caret: number } {
  const shown = `@${person.nickname}`;
  const text = value.text.slice(0, start) + shown + ' ' + value.text.slice(end);
  // Only the range changed, so what came before it stays and what came after it moves past the mention put in.
  const mentions = [...carryMentions(value.mentions, value.text, text), { start, end: start + shown.length, id: person.id }];
  mentions.sort((a, b) => a.start - b.start);
  return { text, mentions, caret: start + shown.length + 1 };
}
