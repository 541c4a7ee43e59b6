import { describe, expect, it } from 'vitest';
import { checkNickname, ErrorCode, NICKNAME_MAX_LENGTH, nicknameKey } from '../src/index.js';

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
  ])('refuses %s', (_, raw) => {
    expect(refused(raw)).toEqual({
      ok: false,
      code: ErrorCode.InvalidNickname,
      message: 'A nickname cannot contain control or invisible characters',
    });
  });
});

describe('emoji sequences', () => {
  it('accepts emoji joined with a zero-width joiner, which are one picture, not hidden characters', () => {
    expect(checkNickname('dev 👩‍💻')).toEqual({ ok: true, nickname: 'dev 👩‍💻' });
    expect(checkNickname('🏳️‍🌈')).toEqual({ ok: true, nickname: '🏳️‍🌈' });
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

  it('keeps different names apart', () => {
    expect(nicknameKey('Alice')).not.toBe(nicknameKey('Alicia'));
    expect(nicknameKey('Ren\u00e9')).not.toBe(nicknameKey('Rene'));
  });
});
