import { ErrorCode } from './codes.js';
import { NICKNAME_MAX_LENGTH, NICKNAME_MIN_LENGTH } from './limits.js';

// Control, format (zero-width, bidi overrides), line/paragraph separators and blank-looking fillers make nicknames
// that look alike, look empty or break layout.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u2800\u3164\uFFA0]/u;
// A zero-width joiner inside an emoji sequence (👩‍💻) is part of the emoji, not a hidden character.
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu;

export type NicknameCheck = { ok: true; nickname: string } | { ok: false; code: ErrorCode; message: string };

/** Trims and checks a nickname against the rules; returns the nickname to store. */
export function checkNickname(raw: string): NicknameCheck {
  const nickname = raw.normalize('NFC').trim();
  const length = [...nickname].length;
  if (length < NICKNAME_MIN_LENGTH || length > NICKNAME_MAX_LENGTH) {
    return invalid(`A nickname has ${NICKNAME_MIN_LENGTH} to ${NICKNAME_MAX_LENGTH} characters`);
  }
  if (FORBIDDEN.test(nickname.replace(EMOJI_JOINER, ''))) return invalid('A nickname cannot contain control or invisible characters');
  return { ok: true, nickname };
}

/** The form two nicknames share when they differ only by case or compatibility forms. */
export function nicknameKey(nickname: string): string {
  return nickname.normalize('NFKC').toLowerCase();
}

function invalid(message: string): NicknameCheck {
  return { ok: false, code: ErrorCode.InvalidNickname, message };
}
