import { MAX_FILE_NAME_LENGTH } from '@hearth/protocol';

/**
 * A file name as it is kept and shown: only its last path segment, without control or bidi-control characters
 * (which could make `photo\u202Egnp.exe` look like a picture), cut to MAX_FILE_NAME_LENGTH characters keeping its
 * extension. Empty when nothing is left.
 */
export function cleanFileName(given: string): string {
  const base = given.split(/[/\\]/).pop() ?? '';
  const clean = base.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '').trim().replace(/^\.+$/, '');
  const chars = [...clean];
  if (chars.length <= MAX_FILE_NAME_LENGTH) return clean;
  const dot = clean.lastIndexOf('.');
  const extension = dot > 0 && clean.length - dot <= 16 ? [...clean.slice(dot)] : [];
  return [...chars.slice(0, MAX_FILE_NAME_LENGTH - extension.length), ...extension].join('');
}

/**
 * Types a browser may show in the page rather than save: pictures, sound, video and PDF, which run no script of
 * theirs on our origin. Everything else (HTML, SVG, XML, anything unknown) is served as a download.
 */
const SHOWN = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/flac',
  'audio/mp4',
  'audio/x-m4a',
  'audio/webm',
  'application/pdf',
]);

export function shownInline(type: string): boolean {
  return SHOWN.has(type);
}
