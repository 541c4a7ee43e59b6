import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { LinkPreview, Message } from '@hearth/protocol';
import type { BlobStore } from '../files/blob-store.js';
import { asThumbnail } from '../files/picture.js';
import { OutboundError } from '../outbound/errors.js';
import type { OutboundGuard } from '../outbound/guard.js';
import type { Store } from '../store/store.js';
import { nowSeconds } from '../domain/tokens.js';

/** The most of a picture read, and the time it may take. */
const IMAGE_LIMIT = 1024 * 1024;
const IMAGE_TIMEOUT_MS = 5_000;
/** A picture larger than this, in pixels, is not decoded. */
const MAX_PIXELS = 40_000_000;

/**
 * A link preview's picture, fetched through the outbound guard and kept as a small WebP file of the message: members
 * read it as they read its attachments, and it goes with the message. Undefined when there is none to be had.
 */
export async function keepPreviewImage(
  url: string,
  message: Message,
  { outbound, blobs, store }: { outbound: OutboundGuard; blobs: BlobStore; store: Store },
): Promise<LinkPreview['image']> {
  let fetched;
  try {
    fetched = await outbound.read(url, { limit: IMAGE_LIMIT, timeoutMs: IMAGE_TIMEOUT_MS, accept: 'image/*' });
  } catch (error) {
    if (error instanceof OutboundError) return undefined;
    throw error;
  }
  if (fetched.status !== 200 || !fetched.type.startsWith('image/') || fetched.body.length >= IMAGE_LIMIT) return undefined;
  let made;
  try {
    made = await asThumbnail(sharp(fetched.body, { limitInputPixels: MAX_PIXELS }).rotate()).toBuffer({ resolveWithObject: true });
  } catch {
    return undefined;
  }
  const id = randomBytes(16).toString('base64url');
  const { width, height, size } = made.info;
  await blobs.put(id, Readable.from([made.data]));
  await store.files.addOfMessage({ id, ownerId: message.user_id, name: 'preview.webp', size, type: 'image/webp', width, height, createdAt: nowSeconds() }, message.id);
  return { id, width, height };
}
