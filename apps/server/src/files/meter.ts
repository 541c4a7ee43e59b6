import { Transform, type TransformCallback } from 'node:stream';

/** Bytes `file-type` reads to tell a type: its own bound for every format it knows. */
export const SNIFF_BYTES = 4100;

/** The body went past a bound: the file's size limit, or what is left of its owner's quota. */
export class TooLarge extends Error {
  constructor(readonly bound: 'file' | 'quota') {
    super(bound === 'file' ? 'The file is larger than the server allows' : 'The file would take you past your storage quota');
  }
}

/**
 * Passes an upload's bytes on to the blob store, counting them, keeping the first ones to tell its type from, and
 * failing the stream as soon as it passes `limit`: a file too large is never written whole.
 */
export class Meter extends Transform {
  bytes = 0;
  private readonly head: Buffer[] = [];
  private headBytes = 0;

  constructor(
    private readonly limit: number,
    private readonly bound: 'file' | 'quota',
  ) {
    super();
  }

  /** The first bytes of the body, up to SNIFF_BYTES. */
  get start(): Buffer {
    return Buffer.concat(this.head);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return done(new TooLarge(this.bound));
    if (this.headBytes < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - this.headBytes);
      this.head.push(Buffer.from(part));
      this.headBytes += part.length;
    }
    done(null, chunk);
  }
}
