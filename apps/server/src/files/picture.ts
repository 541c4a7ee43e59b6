import sharp, { type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { THUMBNAIL_SIZE } from '@hearth/protocol';

// A picture is prepared on one libvips thread, so the other core stays free for the chat's event loop.
sharp.concurrency(1);
// Every picture is new: a cache of decoded ones would only hold memory.
sharp.cache(false);

/** The most pixels a picture may have (all its frames together): 100 MP, a 10,000 × 10,000 photo. */
const MAX_PIXELS = 100_000_000;
/** An animation with more pixels than this in all its frames is served, and thumbnailed, as its first frame. */
const MAX_ANIMATION_PIXELS = 40_000_000;
/** The longer side of the image a placeholder is made from: a ThumbHash reads at most 100 × 100. */
const PLACEHOLDER_SOURCE = 100;

/** A picture made fit to serve: upright, its metadata gone, with a thumbnail (WebP) and a placeholder (ThumbHash). */
export interface Picture {
  /** The picture in its own format, its orientation applied and every metadata block (EXIF, GPS, XMP, IPTC) left out. */
  image: Buffer;
  thumbnail: Buffer;
  width: number;
  height: number;
  /** A ThumbHash in base64. */
  placeholder: string;
}

/** Encoders, by the format sharp reads: the same format again, so a photo stays a photo and a GIF a GIF. */
const ENCODE: Record<string, (image: Sharp) => Sharp> = {
  jpeg: (image) => image.jpeg({ quality: 88 }),
  png: (image) => image.png(),
  webp: (image) => image.webp({ quality: 88 }),
  gif: (image) => image.gif(),
  heif: (image) => image.avif({ quality: 60, effort: 2 }),
};

/** The picture in `bytes` prepared for serving; undefined when they are no picture sharp can read. */
export async function preparePicture(bytes: Buffer): Promise<Picture | undefined> {
  let meta;
  try {
    meta = await sharp(bytes, { animated: true, limitInputPixels: MAX_PIXELS }).metadata();
  } catch {
    return undefined;
  }
  const encode = meta.format === undefined ? undefined : ENCODE[meta.format];
  if (encode === undefined) return undefined;
  const pages = meta.pages ?? 1;
  const animated = pages > 1 && meta.width * (meta.pageHeight ?? meta.height) * pages <= MAX_ANIMATION_PIXELS;
  // sharp turns a still picture upright by its EXIF orientation; an animation (GIF, WebP) carries none.
  const open = () => {
    const image = sharp(bytes, { animated, limitInputPixels: MAX_PIXELS });
    return animated ? image : image.rotate();
  };
  try {
    // sharp writes no metadata unless asked (withMetadata, keepExif): what it encodes is pixels only.
    const image = await encode(open()).toBuffer();
    const shown = await sharp(image, { animated }).metadata();
    const thumbnail = await asThumbnail(open()).toBuffer();
    return { image, thumbnail, width: shown.width, height: shown.pageHeight ?? shown.height, placeholder: await placeholderOf(bytes) };
  } catch {
    return undefined;
  }
}

/** A picture as its thumbnail: WebP, within THUMBNAIL_SIZE each way, never enlarged. */
export function asThumbnail(image: Sharp): Sharp {
  return image.resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 });
}

async function placeholderOf(bytes: Buffer): Promise<string> {
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_PIXELS })
    .rotate()
    .resize({ width: PLACEHOLDER_SOURCE, height: PLACEHOLDER_SOURCE, fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}
