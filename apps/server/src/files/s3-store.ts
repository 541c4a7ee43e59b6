import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import type { BlobStore, ByteRange } from './blob-store.js';

export interface S3Options {
  /** `s3://bucket/prefix`: the bucket, and the prefix put before every key (may be empty). */
  url: string;
  /** An S3-compatible server's address (MinIO, Garage, a test's s3rver); '' for AWS itself. */
  endpoint: string;
  region: string;
  /** '' for the SDK's own lookup (AWS_ACCESS_KEY_ID and the rest of its chain). */
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Blobs as objects in an S3 bucket, for servers that share no disk. An object appears only when its upload completes:
 * a small one is one PutObject, a large one a multipart upload that is aborted when the body fails, so a cut upload
 * leaves no object (a bucket lifecycle rule for incomplete multipart uploads mops up after a crash).
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3Options) {
    const url = new URL(options.url);
    if (url.protocol !== 's3:' || url.hostname === '') throw new Error('--files must be a folder or s3://bucket/prefix');
    this.bucket = url.hostname;
    const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
    this.prefix = prefix === '' ? '' : `${prefix}/`;
    const config: S3ClientConfig = { region: options.region };
    if (options.endpoint !== '') Object.assign(config, { endpoint: options.endpoint, forcePathStyle: true });
    if (options.accessKeyId !== '') config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
    this.client = new S3Client(config);
  }

  get where(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  async put(key: string, body: Readable): Promise<void> {
    const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key: this.key(key), Body: body }, leavePartsOnError: false });
    // A failing body must stop the upload: Upload reads it but does not always hear its error.
    const failed = new Promise<never>((_, reject) => body.once('error', reject));
    const done = upload.done();
    done.catch(() => undefined);
    try {
      await Promise.race([done, failed]);
    } catch (error) {
      await upload.abort().catch(() => undefined);
      throw error;
    }
  }

  async sizeOf(key: string): Promise<number | undefined> {
    try {
      return (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(key) }))).ContentLength;
    } catch (error) {
      // A HEAD answer has no body, so a missing object is told by its status alone.
      if (error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key), Range: range === undefined ? undefined : `bytes=${range.start}-${range.end}` }),
      );
      return answer.Body as Readable;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private key(key: string): string {
    return `${this.prefix}${key}`;
  }
}
