// Rules for text that comes in from a client, shared by nicknames, message content and every other string field.

import { MAX_EMOJI_LENGTH } from './limits.js';

// A lone UTF-16 surrogate is half of a character: it has no UTF-8 form, so SQLite stores bytes that other readers
// cannot decode, and it draws as nothing or as a box. `JSON.parse` makes one from an escape such as "\ud800".
// `String.prototype.isWellFormed` (Node 20, browsers since 2023) finds one several times faster than a regex, which
// matters on every frame; in a `u` regex a lone surrogate is a code point of category Cs, a pair one character.
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const LONE_SURROGATE = /\p{Cs}/u;

// What draws something: anything but white space, the default-ignorable code points (zero-width spaces and joiners,
// word joiner, byte order mark, bidi controls, variation selectors, tags, the Hangul fillers U+115F, U+1160,
// U+3164, U+FFA0), the other control and format characters, and the blank Braille pattern U+2800.
const VISIBLE = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\u2800]/u;

/** Whether a string holds a lone UTF-16 surrogate, which is not Unicode text. */
export function hasLoneSurrogate(text: string): boolean {
  return isWellFormed === undefined ? LONE_SURROGATE.test(text) : !isWellFormed.call(text);
}

/** The JSON pointer of the first string in a decoded value that holds a lone surrogate, if any does. */
export function loneSurrogatePath(value: unknown): string | undefined {
  const keys: string[] = [];
  if (!holdsLoneSurrogate(value, keys)) return undefined;
  return keys.map((key) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Walks a decoded JSON value depth first, leaving in `keys` the way to the first bad string. */
function holdsLoneSurrogate(value: unknown, keys: string[]): boolean {
  if (typeof value === 'string') return hasLoneSurrogate(value);
  if (typeof value !== 'object' || value === null) return false;
  for (const key of Object.keys(value)) {
    keys.push(key);
    if (holdsLoneSurrogate((value as Record<string, unknown>)[key], keys)) return true;
    keys.pop();
  }
  return false;
}

// What makes a grapheme an emoji: a pictograph, a regional-indicator letter (two make a flag), or a keycap.
const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]/u;
let graphemes: Intl.Segmenter | undefined;
// Tag characters draw nothing: outside the one sequence they belong to (a subdivision flag: 🏴, tag letters and
// digits, cancel tag) they would carry hidden text along with a visible emoji.
const TAG = /[\u{E0000}-\u{E007F}]/u;
const TAG_FLAG = /^\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,30}\u{E007F}$/u;

/**
 * Whether text is exactly one emoji: one grapheme cluster (skin tones, joined families and flags included) of at most
 * MAX_EMOJI_LENGTH UTF-16 code units, with tag characters only in a subdivision flag.
 */
export function isEmoji(text: string): boolean {
  if (text.length > MAX_EMOJI_LENGTH || !EMOJI.test(text) || hasLoneSurrogate(text)) return false;
  if (TAG.test(text) && !TAG_FLAG.test(text)) return false;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const iterator = graphemes.segment(text)[Symbol.iterator]();
  return iterator.next().done === false && iterator.next().done === true;
}

/** Whether text would show nothing: it is empty, or made only of white space and invisible characters. */
export function isBlank(text: string): boolean {
  return !VISIBLE.test(text);
}

// Script codes (ISO 15924, as Unicode names them for the Script property), the usual ones first so that a name is
// placed in a few tests. Common (Zyyy: digits, punctuation, emoji) and Inherited (Zinh: combining marks) belong to
// every script and are not listed. A script the JavaScript engine does not know yet is skipped; its letters would
// be unassigned characters to that engine.
const SCRIPTS = `Latn Cyrl Grek Hani Hira Kana Hang Bopo Arab Hebr Deva Beng Thai Armn Geor Adlm Aghb Ahom Armi Avst Bali
Bamu Bass Batk Berf Bhks Brah Brai Bugi Buhd Cakm Cans Cari Cham Cher Chrs Copt Cpmn Cprt Diak Dogr Dsrt Dupl Egyp
Elba Elym Ethi Gara Glag Gong Gonm Goth Gran Gujr Gukh Guru Hano Hatr Hluw Hmng Hmnp Hung Ital Java Kali Kawi Khar
Khmr Khoj Kits Knda Krai Kthi Lana Laoo Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc
Mero Miao Mlym Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Onao Orkh Orya Osge Osma
Ougr Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sidt Sind Sinh
Sogd Sogo Sora Soyo Sund Sunu Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Tayo Telu Tfng Tglg Thaa Tibt Tirh Tnsa
Todr Tols Toto Tutg Ugar Vaii Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb`.split(/\s+/);
const SHARED = /[\p{sc=Zyyy}\p{sc=Zinh}]/u;
const UNKNOWN_SCRIPT = 'Zzzz';
// UTS #39 "highly restrictive": besides a single script, Latin may go with the scripts Chinese, Japanese and Korean
// are written in together.
const WRITTEN_TOGETHER = [['Latn', 'Hani', 'Hira', 'Kana'], ['Latn', 'Hani', 'Bopo'], ['Latn', 'Hani', 'Hang']];

// Compiled on first use: most text needs only the first few.
const scriptTests = new Map<string, RegExp | null>();

function scriptTest(script: string): RegExp | null {
  let test = scriptTests.get(script);
  if (test === undefined) {
    try {
      test = new RegExp(`\\p{sc=${script}}`, 'u');
    } catch {
      test = null;
    }
    scriptTests.set(script, test);
  }
  return test;
}

/** The script of one character: its code, `undefined` for Common and Inherited, `Zzzz` when it is not known. */
function scriptOf(char: string): string | undefined {
  if (SHARED.test(char)) return undefined;
  return SCRIPTS.find((script) => scriptTest(script)?.test(char) === true) ?? UNKNOWN_SCRIPT;
}

/**
 * Whether text mixes letters of different scripts (Latin `a` among Cyrillic, Greek `ο` among Latin), the usual way
 * to spell a look-alike of a name. Allowed as one: the combinations of UTS #39 "highly restrictive" (Latin, Han,
 * Hiragana and Katakana; Latin, Han and Bopomofo; Latin, Han and Hangul).
 */
export function mixesScripts(text: string): boolean {
  const scripts = new Set<string>();
  for (const char of text) {
    const script = scriptOf(char);
    if (script !== undefined) scripts.add(script);
  }
  if (scripts.size <= 1) return false;
  return !WRITTEN_TOGETHER.some((together) => [...scripts].every((script) => together.includes(script)));
}
