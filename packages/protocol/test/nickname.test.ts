import { describe, expect, it } from 'vitest';
import { checkNickname, ErrorCode, NICKNAME_MAX_LENGTH, nicknameKey, nicknamesLookAlike } from '../src/index.js';

const accepted = (raw: string) => checkNickname(raw);
const refused = (raw: string) => {
  const check = checkNickname(raw);
  if (check.ok) throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
  return check;
};

describe('checkNickname', () => {
  it('trims surrounding whitespace and returns the nickname to store', () => {
    expect(accepted('  Dana \n')).toEqual({ ok: true, nickname: 'Dana' });
  });

  it('keeps spaces inside a nickname', () => {
    expect(accepted('Mary Ann')).toEqual({ ok: true, nickname: 'Mary Ann' });
  });

  it('stores the NFC form, so a decomposed accent counts as one character', () => {
    expect(accepted('Rene\u0301')).toEqual({ ok: true, nickname: 'Ren\u00e9' });
    expect(accepted('e\u0301'.repeat(NICKNAME_MAX_LENGTH)).ok).toBe(true);
  });

  it('accepts 1 to 32 characters, counting an emoji as one', () => {
    expect(accepted('x').ok).toBe(true);
    expect(accepted('x'.repeat(NICKNAME_MAX_LENGTH)).ok).toBe(true);
    expect(accepted('😀'.repeat(NICKNAME_MAX_LENGTH)).ok).toBe(true);
    expect(accepted('❤️').ok).toBe(true);
  });

  it.each([
    ['nothing', ''],
    ['only spaces', '   '],
    ['only a newline and a tab', '\n\t'],
    ['33 letters', 'x'.repeat(NICKNAME_MAX_LENGTH + 1)],
    ['33 emoji', '😀'.repeat(NICKNAME_MAX_LENGTH + 1)],
  ])('refuses %s as the wrong length', (_, raw) => {
    expect(refused(raw)).toEqual({ ok: false, code: ErrorCode.InvalidNickname, message: 'A nickname has 1 to 32 characters' });
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a bell', 'a\u0007b'],
    ['a tab', 'a\tb'],
    ['a newline', 'a\nb'],
    ['a DEL', 'a\u007fb'],
    ['a zero-width space', 'a\u200bb'],
    ['a zero-width non-joiner', 'a\u200cb'],
    ['a zero-width joiner', 'a\u200db'],
    ['a word joiner', 'a\u2060b'],
    ['a byte order mark inside', 'a\ufeffb'],
    ['a soft hyphen', 'a\u00adb'],
    ['a right-to-left override', 'a\u202eb'],
    ['a bidi isolate', 'a\u2066b'],
    ['a line separator', 'a\u2028b'],
    ['a paragraph separator', 'a\u2029b'],
    ['a Hangul filler that looks blank', 'a\u3164b'],
    ['a blank Braille pattern', 'a\u2800b'],
    ['a zero-width joiner at the end of an emoji', '👩\u200d'],
    ['a combining grapheme joiner', 'a\u034fb'],
    ['a Hangul filler alone', '\u3164'],
    ['a half-width Hangul filler', 'a\uffa0b'],
  ])('refuses %s', (_, raw) => {
    expect(refused(raw)).toEqual({
      ok: false,
      code: ErrorCode.InvalidNickname,
      message: 'A nickname cannot contain control or invisible characters',
    });
  });
});

describe('text that is not Unicode', () => {
  it.each([
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udc00b'],
    ['a low surrogate before a high one', '\udc00\ud800'],
    ['a high surrogate at the end', 'Alice\ud83d'],
  ])('refuses %s, which has no UTF-8 form, before any other rule', (_, raw) => {
    expect(refused(raw)).toEqual({ ok: false, code: ErrorCode.InvalidNickname, message: 'A nickname must be valid Unicode text' });
  });

  it('accepts a well-formed surrogate pair, which is one character', () => {
    expect(accepted('\ud83d\ude00 Ada')).toEqual({ ok: true, nickname: '😀 Ada' });
  });
});

describe('characters whose look is not defined', () => {
  it.each([
    ['a private-use character', 'a\ue000'],
    ['the private-use character some fonts draw as a logo', '\uf8ffx'],
    ['a supplementary private-use character', 'x\u{F0000}'],
    ['an unassigned code point', 'a\u0378'],
    ['a noncharacter', 'a\uffff'],
  ])('refuses %s', (_, raw) => {
    expect(refused(raw)).toEqual({
      ok: false,
      code: ErrorCode.InvalidNickname,
      message: 'A nickname cannot contain private-use or unassigned characters',
    });
  });
});

describe('scripts', () => {
  it.each([
    ['a Cyrillic а among Latin letters', 'Ev\u0430'],
    ['a Cyrillic і among Latin letters', 'N\u0456kita'],
    ['a Greek ο among Latin letters', 'B\u03bfb'],
    ['a Latin first name and a Cyrillic surname', 'Ivan \u0418\u0432\u0430\u043d\u043e\u0432'],
    ['Armenian and Latin', '\u0570ello'],
    ['Cyrillic and Greek', '\u0410\u03b1'],
  ])('refuses %s, the usual way to spell a look-alike', (_, raw) => {
    expect(refused(raw)).toEqual({
      ok: false,
      code: ErrorCode.InvalidNickname,
      message: 'A nickname cannot mix letters of different scripts, such as Latin and Cyrillic',
    });
  });

  it.each([
    ['Latin with accents', 'Jürgen Ødegård'],
    ['Cyrillic', 'Иван Иванов'],
    ['Greek', 'Δημήτρης'],
    ['Arabic', 'سارة'],
    ['Hebrew', 'דנה'],
    ['Japanese, mixing Han, Hiragana and Katakana', '山田たろう・カナ'],
    ['Korean with a Han character', '김철수 金'],
    ['Chinese with Bopomofo', '小明ㄅ'],
    ['Latin with Han', 'Tom 王'],
    ['letters with digits, punctuation and emoji, which belong to every script', 'Анна-2 🎉'],
  ])('accepts %s', (_, raw) => {
    expect(accepted(raw)).toEqual({ ok: true, nickname: raw });
  });
});

describe('emoji sequences', () => {
  it('accepts emoji joined with a zero-width joiner, which are one picture, not hidden characters', () => {
    expect(checkNickname('dev 👩‍💻')).toEqual({ ok: true, nickname: 'dev 👩‍💻' });
    expect(checkNickname('🏳️‍🌈')).toEqual({ ok: true, nickname: '🏳️‍🌈' });
  });

  it('accepts a variation selector, which picks how the character before it is drawn', () => {
    expect(checkNickname('\u2764\ufe0e Ada')).toEqual({ ok: true, nickname: '\u2764\ufe0e Ada' });
  });
});

describe('nicknameKey', () => {
  it('folds case, so Alice and ALICE clash', () => {
    expect(nicknameKey('ALICE')).toBe(nicknameKey('Alice'));
    expect(nicknameKey('Alice')).toBe('alice');
  });

  it('folds compatibility forms such as full-width letters and ligatures', () => {
    expect(nicknameKey('Ａｌｉｃｅ')).toBe('alice');
    expect(nicknameKey('ﬁnn')).toBe(nicknameKey('Finn'));
  });

  it.each([
    ['a Cyrillic а for a Latin a', 'Alice', '\u0430lice'],
    ['a Cyrillic А for a Latin A', 'Alice', '\u0410lice'],
    ['a Cyrillic і for a Latin i', 'nikita', 'n\u0456kita'],
    ['a Greek ο for a Latin o', 'bob', 'b\u03bfb'],
    ['a whole name in Cyrillic look-alikes', 'pace', '\u0440\u0430\u0441\u0435'],
    ['a digit zero for a letter o', 'Bob', 'B0B'],
    ['a digit one for a small L', 'bill', 'bi11'],
    ['rn for m', 'Emma', 'Ernrna'],
    ['mathematical letters for plain ones', 'Alice', '𝐀𝐥𝐢𝐜𝐞'],
    ['a decomposed accent for a composed one', 'Ren\u00e9', 'Rene\u0301'],
    ['a variation selector more', '\u2764 Ada', '\u2764\ufe0f Ada'],
    ['emoji without the joiner between them', '👩‍💻', '👩💻'],
  ])('makes look-alikes clash: %s', (_, name, lookalike) => {
    expect(nicknameKey(lookalike)).toBe(nicknameKey(name));
  });

  it('gives a name without look-alike characters the key it had before skeletons: NFKC, then lower case', () => {
    for (const name of ['Alice', 'Ada Lovelace', 'Ren\u00e9', 'Zoë', '山田たろう', 'dev 🎉']) {
      expect(nicknameKey(name)).toBe(name.normalize('NFKC').toLowerCase());
    }
  });

  it('keeps different names apart', () => {
    expect(nicknameKey('Alice')).not.toBe(nicknameKey('Alicia'));
    expect(nicknameKey('Ren\u00e9')).not.toBe(nicknameKey('Rene'));
  });
});

describe('nicknamesLookAlike', () => {
  it('finds a whole name in Cyrillic letters that looks like a Latin one, and names differing only by marks', () => {
    expect(nicknameKey('раураӏ')).not.toBe(nicknameKey('paypal'));
    expect(nicknamesLookAlike('раураӏ', 'paypal')).toBe(true);
    expect(nicknamesLookAlike('José', 'Jose')).toBe(true);
    expect(nicknamesLookAlike('Zoe\u0308', 'Zoe')).toBe(true);
  });

  it('keeps apart Latin names that differ by a letter, and names in other scripts that look nothing alike', () => {
    expect(nicknamesLookAlike('Ali', 'All')).toBe(false);
    expect(nicknamesLookAlike('paypal', 'paypai')).toBe(false);
    expect(nicknamesLookAlike('Иван', 'Ivan')).toBe(false);
    expect(nicknamesLookAlike('Anna', 'Hanna')).toBe(false);
  });
});
