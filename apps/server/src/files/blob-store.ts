import type { Readable } from 'node:stream';

/** A part of a blob: from `start` to `end`, both included, as an HTTP Range names it. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where uploaded files' bytes are kept: a folder on disk (`DiskBlobStore`) or an S3 bucket (`S3BlobStore`). The
 * database says what a blob is and whose; the store only keeps bytes under a key.
 */
export interface BlobStore {
  /** Where it keeps them, for the log: a folder, or `s3://bucket/prefix`. */
  readonly where: string;
  /**
   * Stores `body` under `key`, whole or not at all: while it is written it is under a temporary name (or an
   * unfinished multipart upload), and if `body` fails or ends early nothing stays behind.
   */
  put(key: string, body: Readable): Promise<void>;
  /** The size in bytes of the blob under `key`; undefined when there is no such blob. */
  sizeOf(key: string): Promise<number | undefined>;
  /** The bytes under `key`, or part of them; undefined when there is no such blob. */
  get(key: string, range?: ByteRange): Promise<Readable | undefined>;
  /** Removes the blob; removing one that is not there is no error, so a deletion can be retried. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
