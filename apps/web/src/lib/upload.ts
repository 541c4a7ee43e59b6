import { FILES_PATH, isHttpError, isUploadedFile, type UploadedFile } from '@hearth/protocol';

/** How an upload ended, when it did not store the file. */
export class UploadRefused extends Error {
  constructor(
    message: string,
    /** The server's code, or none when the connection dropped. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface UploadRequest {
  /** Resolves with the stored file; rejects with UploadRefused, or an AbortError once cancelled. */
  done: Promise<UploadedFile>;
  cancel(): void;
}

/**
 * Uploads one file as the signed-in user, telling its progress (0 to 1) as the bytes go: fetch cannot tell an
 * upload's progress, XMLHttpRequest can. A dropped connection keeps nothing on the server, so an upload is retried
 * by starting it again.
 */
export function uploadFile(token: string, file: Blob, name: string, progress: (done: number) => void): UploadRequest {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedFile>((resolve, reject) => {
    xhr.open('POST', `${FILES_PATH}?name=${encodeURIComponent(name)}`);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => event.lengthComputable && progress(event.loaded / event.total);
    xhr.onload = () => {
      const body: unknown = xhr.response;
      if (xhr.status === 201 && isUploadedFile(body)) return resolve(body);
      if (isHttpError(body)) return reject(new UploadRefused(body.error.message, body.error.code));
      reject(new UploadRefused(`The server answered ${xhr.status}`));
    };
    xhr.onerror = () => reject(new UploadRefused('The connection dropped'));
    xhr.onabort = () => reject(new DOMException('Cancelled', 'AbortError'));
    xhr.send(file);
  });
  return { done, cancel: () => xhr.abort() };
}
