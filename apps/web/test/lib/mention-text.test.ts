import { describe, expect, it } from 'vitest';
import { carryMentions, fromWire, insertMention, mentionDeletedAt, removeRange, snapSelection, toWire } from '../../src/lib/mention-text.js';

const names: Record<number, string> = { 1: 'Ann', 2: 'Mary Jo' };
const nickname = (id: number) => names[id] ?? 'Someone';

describe('the text a composer shows for a message', () => {
  it('shows each token as @nickname and sends the same tokens back', () => {
    const shown = fromWire('hi <@1> and <@2>!', nickname);
    expect(shown).toEqual({
      text: 'hi @Ann and @Mary Jo!',
      mentions: [
        { start: 3, end: 7, id: 1 },
        { start: 12, end: 20, id: 2 },
      ],
    });
    expect(toWire(shown)).toBe('hi <@1> and <@2>!');
  });

  it('leaves text without tokens, and an @name typed by hand, as it is', () => {
    expect(fromWire('mail @Ann', nickname)).toEqual({ text: 'mail @Ann', mentions: [] });
    expect(toWire({ text: 'mail @Ann', mentions: [] })).toBe('mail @Ann');
  });
});

describe('mentions while the text is edited', () => {
  const shown = fromWire('<@1> meet <@2> at noon', nickname);

  it('stay before a change, move after it, and turn into plain text when the change reaches into them', () => {
    expect(carryMentions(shown.mentions, shown.text, shown.text.replace('meet', 'see'))).toEqual([
      { start: 0, end: 4, id: 1 },
      { start: 9, end: 17, id: 2 },
    ]);
    expect(carryMentions(shown.mentions, shown.text, shown.text.replace('Mary Jo', 'Mary'))).toEqual([{ start: 0, end: 4, id: 1 }]);
  });

  it('a picked person replaces the query, with a space after, and the caret goes after both', () => {
    const typed = { text: 'hi @ma!', mentions: [] };
    const picked = insertMention(typed, 3, 6, { id: 2, nickname: 'Mary Jo' });
    expect(picked).toEqual({ text: 'hi @Mary Jo !', mentions: [{ start: 3, end: 11, id: 2 }], caret: 12 });
    expect(toWire(picked)).toBe('hi <@2> !');
    const again = insertMention(picked, 0, 0, { id: 1, nickname: 'Ann' });
    expect(toWire(again)).toBe('<@1> hi <@2> !');
  });

  it('a deletion at either edge of a mention takes the whole mention', () => {
    expect(mentionDeletedAt(shown.mentions, 4, true)).toEqual({ start: 0, end: 4, id: 1 });
    expect(mentionDeletedAt(shown.mentions, 10, false)).toEqual({ start: 10, end: 18, id: 2 });
    expect(mentionDeletedAt(shown.mentions, 5, true)).toBeUndefined();
    expect(toWire(removeRange(shown, 0, 4))).toBe(' meet <@2> at noon');
  });

  it('a caret never rests inside a mention, and a selection takes mentions whole', () => {
    // Moving right from its start jumps to its end; left from its end to its start; a click goes to the nearer edge.
    expect(snapSelection(shown.mentions, 1, 1, 0)).toEqual([4, 4]);
    expect(snapSelection(shown.mentions, 3, 3, 4)).toEqual([0, 0]);
    expect(snapSelection(shown.mentions, 16, 16, 2)).toEqual([18, 18]);
    expect(snapSelection(shown.mentions, 2, 12, 2)).toEqual([0, 18]);
    expect(snapSelection(shown.mentions, 6, 8, 6)).toEqual([6, 8]);
  });
});
