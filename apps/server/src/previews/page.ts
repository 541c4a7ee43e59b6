import { Parser } from 'htmlparser2';
import { MAX_PREVIEW_DESCRIPTION_LENGTH, MAX_PREVIEW_TITLE_LENGTH, type LinkPreview } from '@hearth/protocol';

/**
 * What a page says of itself, from its head: Open Graph tags first, else its `<title>` and meta description, and the
 * address of its picture. None when it gives no title. Only the head is read; the page's script and style are never run or looked at.
 */
export function previewOf(html: string, url: string): { preview: LinkPreview; image?: string } | undefined {
  const found: Record<string, string> = {};
  let inTitle = false;
  let title = '';
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'title') inTitle = true;
        if (name === 'body') parser.pause();
        if (name !== 'meta') return;
        const key = (attributes.property ?? attributes.name ?? '').toLowerCase();
        if (['og:title', 'og:description', 'og:site_name', 'og:image', 'description', 'twitter:title', 'twitter:description'].includes(key) && !(key in found)) {
          found[key] = attributes.content ?? '';
        }
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (name === 'head') parser.pause();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const heading = tidy(found['og:title'] ?? found['twitter:title'] ?? title, MAX_PREVIEW_TITLE_LENGTH);
  if (heading === '') return undefined;
  const description = tidy(found['og:description'] ?? found['twitter:description'] ?? found.description ?? '', MAX_PREVIEW_DESCRIPTION_LENGTH);
  const site = tidy(found['og:site_name'] ?? '', MAX_PREVIEW_TITLE_LENGTH) || new URL(url).hostname.replace(/^www\./, '');
  const preview: LinkPreview = { url, title: heading, ...(description === '' ? {} : { description }), site };
  const image = imageUrl(found['og:image'], url);
  return image === undefined ? { preview } : { preview, image };
}

/** The page's picture as an absolute http(s) address, or none. */
function imageUrl(given: string | undefined, page: string): string | undefined {
  if (given === undefined || given.trim() === '') return undefined;
  try {
    const url = new URL(given.trim(), page);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Text on one line, without control characters, cut to `max` UTF-16 units at a character's edge. */
function tidy(text: string, max: number): string {
  const flat = text.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  let cut = '';
  for (const char of flat) {
    if (cut.length + char.length > max - 1) break;
    cut += char;
  }
  return `${cut.trimEnd()}…`;
}
