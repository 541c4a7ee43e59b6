import unhomoglyph from 'unhomoglyph';

// In a module of its own so that a bundle that never compares nicknames (the web app) leaves out the confusables
// table: the package is marked free of side effects, so an unused module and its imports are dropped.

// Characters that draw nothing do not tell two strings apart (a variation selector, a joiner between emoji).
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The UTS #39 confusables skeleton: two strings that look alike have the same one. NFD, without default-ignorable
 * code points, each character replaced by its prototype from Unicode's confusables.txt (`unhomoglyph`), NFD again.
 * Not meant to be read: `m` becomes `rn`, `0` becomes `O`.
 */
export function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD').replace(IGNORABLE, '')).normalize('NFD');
}
