import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ErrorCode, isPreparedImage, type Attachment, type User } from '@hearth/protocol';
import type { Directory } from '../domain/directory.js';
import { ok, refuse, type Result } from '../domain/result.js';
import { nowSeconds } from '../domain/tokens.js';
import type { FileWhere, Store } from '../store/store.js';
import type { BlobStore, ByteRange } from './blob-store.js';
import { Meter, TooLarge } from './meter.js';
import { cleanFileName } from './names.js';
import { thumbnailKey } from './pictures.js';

/** A type nothing in the bytes told: served as a download. */
const UNKNOWN_TYPE = 'application/octet-stream';

const tooLarge = (bound: 'file' | 'quota') =>
  bound === 'file'
    ? refuse(ErrorCode.FileTooLarge, new TooLarge('file').message)
    : refuse(ErrorCode.StorageQuotaExceeded, new TooLarge('quota').message);

// A file one may not read looks exactly like one that does not exist, so ids reveal nothing.
const notFound = () => refuse(ErrorCode.FileNotFound, 'No such file');
const notReady = () => refuse(ErrorCode.FileNotReady, 'This picture was sent moments ago and is still being prepared: ask again in a moment');

/** The media type a file's first bytes say; file-type is loaded at the first upload, not at every start. */
async function typeOf(start: Buffer): Promise<string | undefined> {
  const { fileTypeFromBuffer } = await import('file-type');
  return (await fileTypeFromBuffer(start))?.mime;
}

export interface UploadLimits {
  maxFileBytes: number;
  storageQuotaBytes: number;
}

/**
 * Uploads and who may read them. An upload is streamed to the blob store under a new random id, its type told from
 * its first bytes, and recorded as its owner's unsent file; sending it is part of storing a message
 * (store/messages.ts). Reading a file needs membership of the conversation it was sent in, checked on every read, so
 * leaving a group ends access to its files.
 */
export class Uploads {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly directory: Directory,
    private readonly limits: UploadLimits,
  ) {}

  /**
   * Stores `body` as a file of the actor's. `declared` is the size the request announced, if any: a file that says it
   * is too large is refused before a byte is read.
   */
  async receive(actor: User, givenName: string, body: Readable, declared?: number): Promise<Result<Attachment>> {
    const name = cleanFileName(givenName);
    if (name === '') return refuse(ErrorCode.InvalidFile, 'A file needs a name: give it as ?name=');
    const room = this.limits.storageQuotaBytes - (await this.store.files.used(actor.id));
    const bound = this.limits.maxFileBytes <= room ? 'file' : 'quota';
    const limit = Math.min(this.limits.maxFileBytes, Math.max(0, room));
    if (declared !== undefined && declared > limit) return tooLarge(declared > this.limits.maxFileBytes ? 'file' : 'quota');
    const id = randomBytes(16).toString('base64url');
    const meter = new Meter(limit, bound);
    // A request cut off (its client went away, or stopped half-way) fails the meter, and so the store's write, which
    // then keeps nothing. Not a pipeline: a refusal must leave the request open, so the refusal can be answered.
    body.pipe(meter);
    finished(body).catch((error: unknown) => meter.destroy(error instanceof Error ? error : new Error('upload cut off')));
    try {
      await this.blobs.put(id, meter);
    } catch (error) {
      body.unpipe(meter);
      if (error instanceof TooLarge) return tooLarge(error.bound);
      throw error;
    }
    if (meter.bytes === 0) {
      await this.blobs.delete(id);
      return refuse(ErrorCode.InvalidFile, 'The file is empty');
    }
    const type = (await typeOf(meter.start)) ?? UNKNOWN_TYPE;
    const file = { id, ownerId: actor.id, name, size: meter.bytes, type, width: null, height: null, createdAt: nowSeconds() };
    // Checked again as it is recorded: two uploads at once must not both fit in the room one of them had.
    if (!(await this.store.files.add(file, this.limits.storageQuotaBytes))) {
      await this.blobs.delete(id);
      return tooLarge('quota');
    }
    return ok({ id, name, size: file.size, type });
  }

  /** A file the actor may read now, without its bytes. */
  async readable(actor: User, id: string): Promise<Result<FileWhere>> {
    const file = await this.store.files.where(id);
    if (file === undefined || !this.mayRead(actor, file)) return notFound();
    // A picture is read by others only once prepared: until then its bytes still say where it was taken.
    if (isPreparedImage(file.type) && file.preparedAt === null && file.ownerId !== actor.id) return notReady();
    return ok(file);
  }

  /** A file the actor may read, with its bytes (or the range asked for), or its thumbnail's. */
  async open(
    actor: User,
    id: string,
    size: 'whole' | 'thumbnail',
    range?: (size: number) => ByteRange | undefined,
  ): Promise<Result<{ file: FileWhere; range?: ByteRange; body: Readable }>> {
    const readable = await this.readable(actor, id);
    if (!readable.ok) return readable;
    const file = readable.value;
    if (size === 'thumbnail') {
      const body = file.thumbnail ? await this.blobs.get(thumbnailKey(id)) : undefined;
      return body === undefined ? notFound() : ok({ file, body });
    }
    const part = range?.(file.size);
    const body = await this.blobs.get(id, part);
    return body === undefined ? notFound() : ok({ file, range: part, body });
  }

  /**
   * Who may read a file: while unsent, its owner; once sent, the members of its conversation, as they are now; once
   * its message is deleted, nobody.
   */
  private mayRead(actor: User, file: FileWhere): boolean {
    if (file.deleted) return false;
    if (file.conversationId === null) return file.ownerId === actor.id;
    return this.directory.isMember(actor.id, file.conversationId);
  }
}
