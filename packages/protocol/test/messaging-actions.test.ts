import { describe, expect, it } from 'vitest';
import { ErrorCode, isEmoji, mentionedIds, mentionToken, parseClientEvent } from '../src/index.js';
import { frame } from './samples.js';

const refusal = (value: unknown) => {
  const result = parseClientEvent(frame(value));
  if (result.ok) throw new Error(`expected ${frame(value)} to be refused`);
  return result.error;
};

describe('isEmoji', () => {
  it.each([
    ['a pictograph', '👍'],
    ['a skin tone', '👍🏽'],
    ['a joined family', '👨‍👩‍👧‍👦'],
    ['a flag of two regional indicators', '🇳🇴'],
    ['a rainbow flag with its variation selector', '🏳️‍🌈'],
    ['a keycap', '1️⃣'],
    ['a heart with a variation selector', '❤️'],
  ])('accepts %s', (_, emoji) => expect(isEmoji(emoji)).toBe(true));

  it.each([
    ['a letter', 'a'],
    ['two emoji', '👍👍'],
    ['an emoji with a letter', '👍a'],
    ['white space around one', ' 👍'],
    ['a lone regional indicator pair split by a letter', '🇳x🇴'],
    ['a lone surrogate', '\ud83d'],
    ['nothing', ''],
    ['markup', '<img>'],
  ])('refuses %s', (_, text) => expect(isEmoji(text)).toBe(false));
});

describe('mentions', () => {
  it('are tokens of user ids, listed once each in order of first mention', () => {
    expect(mentionToken(12)).toBe('<@12>');
    expect(mentionedIds(`hi ${mentionToken(3)} and <@1>, <@3> again`)).toEqual([3, 1]);
  });

  it('are not made of ids that are not positive integers', () => {
    expect(mentionedIds('<@0> <@-1> <@1.5> <@ 2> <@12345678901234567>')).toEqual([]);
  });
});

describe('parsing the messaging requests', () => {
  it('trims an edit and refuses one that shows nothing', () => {
    const edit = parseClientEvent(frame({ type: 'edit_message', payload: { message_id: 4, content: '  fixed  ' } }));
    expect(edit).toMatchObject({ ok: true, event: { payload: { content: 'fixed' } } });
    expect(refusal({ type: 'edit_message', payload: { message_id: 4, content: ' \u200b ' }, id: 'e' })).toMatchObject({
      code: ErrorCode.ContentEmpty,
      id: 'e',
      path: '/payload/content',
    });
  });

  it('refuses an over-long edit as content_too_long', () => {
    expect(refusal({ type: 'edit_message', payload: { message_id: 4, content: 'x'.repeat(4001) } }).code).toBe(ErrorCode.ContentTooLong);
  });

  it.each(['add_reaction', 'remove_reaction'])('refuses a %s that is not one emoji with invalid_emoji', (type) => {
    expect(refusal({ type, payload: { message_id: 4, emoji: 'lol' }, id: 'r' })).toMatchObject({
      code: ErrorCode.InvalidEmoji,
      id: 'r',
      path: '/payload/emoji',
    });
    expect(parseClientEvent(frame({ type, payload: { message_id: 4, emoji: '🎉' } })).ok).toBe(true);
  });

  it('refuses a history page asked both before and around a message', () => {
    expect(refusal({ type: 'load_history', payload: { conversation_id: 1, before: 9, around: 5 } })).toMatchObject({
      code: ErrorCode.InvalidPayload,
      path: '/payload/around',
    });
    expect(parseClientEvent(frame({ type: 'load_history', payload: { conversation_id: 1, around: 5 } })).ok).toBe(true);
  });

  it('takes a reply target on a send', () => {
    const send = { type: 'send_message', payload: { conversation_id: 1, content: 'yes', client_id: 'c', reply_to: 3 } };
    expect(parseClientEvent(frame(send))).toEqual({ ok: true, event: send });
  });
});
