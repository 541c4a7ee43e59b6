import { mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { ServerOptions } from '../../src/index.js';

/** The smallest PNG there is: a 1×1 transparent pixel. Its bytes say PNG whatever it is called. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A small PDF: a file the server serves as it was uploaded, byte for byte (pictures it prepares first). */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** `POST /api/files?name=` with a token, as a bot would. */
export async function upload(baseUrl: string, token: string | undefined, bytes: Uint8Array, name: string): Promise<Answer> {
  const response = await fetch(`${baseUrl}/api/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
  });
  return { status: response.status, headers: response.headers, body: await response.json().catch(() => undefined) };
}

/** `GET /files/<id>/<name>`: the bytes when served, else the error body. */
export async function download(baseUrl: string, token: string | undefined, id: string, name = 'f', headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${baseUrl}/files/${id}/${encodeURIComponent(name)}`, {
    headers: { ...headers, ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, headers: response.headers, body: json ? JSON.parse(bytes.toString()) : bytes };
}

/**
 * An upload whose body the test writes itself, with no Content-Length, so the server learns the size only by reading:
 * `answer` resolves with the server's answer, or undefined if the connection ended without one.
 */
export function startUpload(baseUrl: string, token: string, name: string): { req: ClientRequest; answer: Promise<{ status: number; body: any } | undefined> } {
  const url = new URL(`${baseUrl}/api/files?name=${encodeURIComponent(name)}`);
  let req!: ClientRequest;
  const answer = new Promise<{ status: number; body: any } | undefined>((resolve) => {
    req = request(url, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Transfer-Encoding': 'chunked' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString() || 'null') }));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.on('close', () => setImmediate(() => resolve(undefined)));
  });
  return { req, answer };
}

/** An S3-compatible server of its own (s3rver) on a free port, with one bucket, and how to look inside it. */
export interface TestS3 {
  options: ServerOptions;
  /** The keys in the bucket. */
  keys(): Promise<string[]>;
  has(key: string): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startS3(): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-s3-'));
  const bucket = 'hearth-files';
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = (await s3rver.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  return {
    options: { files: `s3://${bucket}/chat`, filesEndpoint: endpoint, filesAccessKeyId: 'S3RVER', filesSecretAccessKey: 'S3RVER' },
    async keys() {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (listed.Contents ?? []).map((o) => o.Key!);
    },
    async has(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: `chat/${key}` }));
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      client.destroy();
      await s3rver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
