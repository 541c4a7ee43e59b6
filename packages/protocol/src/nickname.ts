import { ErrorCode } from './codes.js';
import { NICKNAME_MAX_LENGTH, NICKNAME_MIN_LENGTH } from './limits.js';
import { skeleton } from './skeleton.js';
import { hasLoneSurrogate, mixesScripts } from './text.js';

// Control, format (zero-width, bidi overrides), line/paragraph separators, blank-looking fillers and the other
// default-ignorable characters (combining grapheme joiner, Mongolian variation selectors) make nicknames that look
// alike, look empty or break layout.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u115F\u1160\u2800\u3164\uFFA0]/u;
// A zero-width joiner inside an emoji sequence (👩‍💻) is part of the emoji, not a hidden character; a variation
// selector picks how the character before it is drawn (❤️), and the key ignores it.
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu;
const VARIATION_SELECTOR = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;
// A private-use character draws whatever a font puts there, and an unassigned one whatever a later Unicode version
// makes it: neither can be told apart from a letter by looking, nor compared by the confusables data.
const UNDEFINED_LOOK = /[\p{Co}\p{Cn}]/u;

export type NicknameCheck = { ok: true; nickname: string } | { ok: false; code: ErrorCode; message: string };

/** Trims and checks a nickname against the rules; returns the nickname to store. */
export function checkNickname(raw: string): NicknameCheck {
  // Before anything else: half a character cannot be normalised, counted or stored as UTF-8.
  if (hasLoneSurrogate(raw)) return invalid('A nickname must be valid Unicode text');
  const nickname = raw.normalize('NFC').trim();
  const length = [...nickname].length;
  if (length < NICKNAME_MIN_LENGTH || length > NICKNAME_MAX_LENGTH) {
    return invalid(`A nickname has ${NICKNAME_MIN_LENGTH} to ${NICKNAME_MAX_LENGTH} characters`);
  }
  if (FORBIDDEN.test(nickname.replace(EMOJI_JOINER, '').replace(VARIATION_SELECTOR, ''))) {
    return invalid('A nickname cannot contain control or invisible characters');
  }
  if (UNDEFINED_LOOK.test(nickname)) return invalid('A nickname cannot contain private-use or unassigned characters');
  if (mixesScripts(nickname)) {
    return invalid('A nickname cannot mix letters of different scripts, such as Latin and Cyrillic');
  }
  return { ok: true, nickname };
}

/**
 * The form two nicknames share when they look alike: they differ only by case or compatibility forms (`Alice`,
 * `ＡＬＩＣＥ`), or by characters that look the same (Cyrillic `а` for Latin `a`, `0` for `O`, `rn` for `m`). It is
 * the UTS #39 confusables skeleton of the NFKC, lower-cased name, lower-cased once more so that a prototype in
 * capitals (`0` → `O`) meets its small letter, and kept in NFC (equal exactly when the NFD skeletons are) so that
 * a name without look-alike or ignorable characters keeps the key it had before skeletons. The database keeps it
 * unique. Not meant to be shown.
 */
export function nicknameKey(nickname: string): string {
  return skeleton(nickname.normalize('NFKC').toLowerCase()).toLowerCase().normalize('NFC');
}

// Marks drawn on a letter (accents, a combining dot) are easily missed beside the same name without them.
const MARKS = /\p{M}/gu;
// Letters of these scripts that look like Latin ones make a whole name that looks Latin ("раураӏ", "paypal"); the
// confusables data maps some of them to a near letter (Cyrillic palochka to `i`), so those near letters are folded.
const LATIN_LOOKING_SCRIPT = /[\p{sc=Cyrl}\p{sc=Grek}]/u;
const THIN_STROKES = /[il1|]/g;

/**
 * Whether two nicknames would be mistaken for one another though their keys differ: they differ only by marks
 * (`José`, `Jose`), or one is written in Cyrillic or Greek letters that together look like the other. Checked against
 * everyone when a name is chosen; the key alone keeps exact look-alikes apart.
 */
export function nicknamesLookAlike(a: string, b: string): boolean {
  const [looseA, looseB] = [loose(a), loose(b)];
  if (looseA === looseB) return true;
  if (!LATIN_LOOKING_SCRIPT.test(a) && !LATIN_LOOKING_SCRIPT.test(b)) return false;
  return looseA.replace(THIN_STROKES, 'l') === looseB.replace(THIN_STROKES, 'l');
}

function loose(nickname: string): string {
  return nicknameKey(nickname).normalize('NFD').replace(MARKS, '');
}

function invalid(message: string): NicknameCheck {
  return { ok: false, code: ErrorCode.InvalidNickname, message };
}
