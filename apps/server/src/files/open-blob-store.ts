import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { DiskBlobStore } from './disk-store.js';

/**
 * The blob store the options name: `--files s3://bucket/prefix` for S3 (its client loaded only then), a folder, or by
 * default the folder `files` beside the SQLite database (on PostgreSQL, `data/files` beside the default SQLite file).
 */
export async function openBlobStore(config: Config): Promise<BlobStore> {
  if (config.files.startsWith('s3://')) {
    const { S3BlobStore } = await import('./s3-store.js');
    return new S3BlobStore({
      url: config.files,
      endpoint: config.filesEndpoint,
      region: config.filesRegion,
      accessKeyId: config.filesAccessKeyId,
      secretAccessKey: config.filesSecretAccessKey,
    });
  }
  return DiskBlobStore.open(diskFolder(config)!);
}

/** The folder the options keep files in; undefined when they are kept in S3. */
export function diskFolder(config: Pick<Config, 'files' | 'dbPath'>): string | undefined {
  if (config.files.startsWith('s3://')) return undefined;
  return config.files === '' ? join(dirname(resolve(config.dbPath)), 'files') : resolve(config.files);
}
