import type { Attachment } from './models.js';

/**
 * Pictures the server prepares after they are sent: it turns them upright, removes their metadata (the camera, the
 * place a photo was taken), reads their size and makes a thumbnail and a placeholder. Until then only their uploader
 * may download them (`file_not_ready`), and a client shows a space for them.
 */
export const PREPARED_IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif'];

export function isPreparedImage(type: string): boolean {
  return PREPARED_IMAGE_TYPES.includes(type);
}

/** A prepared picture the server has not finished preparing yet: a `message_updated` will bring its size. */
export function isBeingPrepared(file: Pick<Attachment, 'type' | 'width'>): boolean {
  return isPreparedImage(file.type) && file.width === undefined;
}

/** The query that asks a file's URL for its thumbnail instead (`Attachment.thumbnail`). */
export const THUMBNAIL_QUERY = 'size=thumbnail';
