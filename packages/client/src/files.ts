import { ErrorCode, FILES_PATH, fileLinkPath, filePath, isFileLink, isHttpError, isUploadedFile, WS_PATH, type Attachment, type FileLink, type UploadedFile } from '@hearth/protocol';
import { ChatError, ClientErrorCode } from './errors.js';

/** What can be uploaded: bytes in memory, or a Blob (a browser's File is one). */
export type FileData = Uint8Array | ArrayBuffer | Blob;

/** The server's HTTP base URL from its WebSocket URL: ws://host:3000/ws → http://host:3000. */
export function httpUrlFor(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  if (url.pathname.endsWith(WS_PATH)) url.pathname = url.pathname.slice(0, -WS_PATH.length);
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/**
 * Uploads a file as the token's user: it is stored, unsent, until a message names it in `attachments` (within a
 * day). Rejects with the server's code: `file_too_large`, `storage_quota_exceeded`, `rate_limited`, `invalid_file`.
 */
export async function uploadFile(baseUrl: string, token: string, data: FileData, name: string): Promise<UploadedFile> {
  const url = `${baseUrl}${FILES_PATH}?name=${encodeURIComponent(name)}`;
  const body = data instanceof Uint8Array ? new Blob([data as Uint8Array<ArrayBuffer>]) : data instanceof ArrayBuffer ? new Blob([data]) : data;
  const response = await reach(url, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' }, body });
  const answer: unknown = await response.json().catch(() => undefined);
  if (response.status === 201 && isUploadedFile(answer)) return answer;
  throw refusal(response, answer);
}

/**
 * A file's bytes, for a member of the conversation it was sent in (or its uploader, before it is sent). A picture
 * sent moments ago is waited for while the server prepares it (`file_not_ready`), for up to `READY_WAIT_MS`.
 */
export async function downloadFile(baseUrl: string, token: string, file: Pick<Attachment, 'id' | 'name'>): Promise<Uint8Array> {
  const url = `${baseUrl}${filePath(file.id, file.name)}`;
  const response = await whenReady(() => reach(url, { headers: { Authorization: `Bearer ${token}` } }));
  if (response.status === 200) return new Uint8Array(await response.arrayBuffer());
  throw refusal(response, await response.json().catch(() => undefined));
}

/** How long a download waits for a picture the server is still preparing. */
export const READY_WAIT_MS = 30_000;

/** The answer once it is not `file_not_ready`, asking again as `Retry-After` says, until READY_WAIT_MS has passed. */
async function whenReady(ask: () => Promise<Response>): Promise<Response> {
  const until = Date.now() + READY_WAIT_MS;
  for (;;) {
    const response = await ask();
    if (response.status !== 503 || Date.now() >= until) return response;
    const body: unknown = await response.clone().json().catch(() => undefined);
    if (!isHttpError(body) || body.error.code !== ErrorCode.FileNotReady) return response;
    const seconds = Number(response.headers.get('Retry-After') ?? 1);
    await new Promise((resolve) => setTimeout(resolve, Math.min(5, Number.isFinite(seconds) ? seconds : 1) * 1000));
  }
}

/**
 * A URL of a file that works without a token for a few minutes (`expires_at`), for its asker only: what a page puts
 * in an `<img>` or `<video>`, which cannot send one. The URL is absolute.
 */
export async function fileLink(baseUrl: string, token: string, id: string): Promise<FileLink> {
  const response = await whenReady(() => reach(`${baseUrl}${fileLinkPath(id)}`, { headers: { Authorization: `Bearer ${token}` } }));
  const answer: unknown = await response.json().catch(() => undefined);
  if (response.status === 200 && isFileLink(answer)) {
    const absolute = { ...answer, url: `${baseUrl}${answer.url}` };
    return answer.thumbnail_url === undefined ? absolute : { ...absolute, thumbnail_url: `${baseUrl}${answer.thumbnail_url}` };
  }
  throw refusal(response, answer);
}

/** A request to the server, a network failure told as `disconnected`. */
export async function reach(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new ChatError(ClientErrorCode.Disconnected, `Cannot reach ${url}: ${(error as Error).message}`);
  }
}

/** The server's refusal as a ChatError with its code, and its `Retry-After` when it says one. */
export function refusal(response: Response, body: unknown): ChatError {
  if (!isHttpError(body)) return new ChatError(ClientErrorCode.BadResponse, `Unexpected answer from the server (HTTP ${response.status})`);
  const seconds = Number(response.headers.get('Retry-After') ?? NaN);
  return new ChatError(body.error.code, body.error.message, Number.isFinite(seconds) ? { retry_after_ms: seconds * 1000 } : {});
}
