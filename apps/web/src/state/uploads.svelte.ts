import { isPreparedImage, MAX_ATTACHMENTS } from '@hearth/protocol';
import { uploadFile, type UploadRequest } from '../lib/upload.js';

/** A file on its way to the server from this page, for the message being written. */
export class Upload {
  readonly key = crypto.randomUUID();
  /** 0 to 1. */
  progress = $state(0);
  status = $state<'uploading' | 'stored' | 'failed'>('uploading');
  /** Why it failed. */
  reason = $state('');
  /** The stored file's id, once stored. */
  id = $state<string | undefined>();
  /** A picture's own pixels, shown in the tray while it goes. */
  readonly preview: string | undefined;
  request: UploadRequest | undefined;

  constructor(readonly file: File) {
    this.preview = isPreparedImage(file.type) ? URL.createObjectURL(file) : undefined;
  }

  get name(): string {
    return this.file.name || 'pasted image';
  }
}

/**
 * The files attached to each conversation's next message, uploaded as soon as they are picked, pasted or dropped.
 * The message goes once every one is stored; a failed one is retried by uploading it again, or removed.
 */
export class Uploads {
  private byConversation = $state<Record<number, Upload[]>>({});

  constructor(private readonly token: string) {}

  of(conversationId: number): readonly Upload[] {
    return this.byConversation[conversationId] ?? [];
  }

  /** Attaches files, as many as a message may carry: how many were left out. */
  add(conversationId: number, files: readonly File[]): number {
    const room = MAX_ATTACHMENTS - this.of(conversationId).length;
    const taken = files.slice(0, Math.max(0, room)).map((file) => new Upload(file));
    this.byConversation[conversationId] = [...this.of(conversationId), ...taken];
    for (const upload of taken) this.start(upload);
    return files.length - taken.length;
  }

  retry(upload: Upload): void {
    this.start(upload);
  }

  remove(conversationId: number, upload: Upload): void {
    upload.request?.cancel();
    if (upload.preview !== undefined) URL.revokeObjectURL(upload.preview);
    this.byConversation[conversationId] = this.of(conversationId).filter((u) => u.key !== upload.key);
  }

  /** The stored files' ids, once every attached file is stored; undefined while one is on its way or failed. */
  ready(conversationId: number): string[] | undefined {
    const uploads = this.of(conversationId);
    return uploads.every((u) => u.status === 'stored') ? uploads.map((u) => u.id!) : undefined;
  }

  /** Empties the tray once its files are sent with a message. */
  clear(conversationId: number): void {
    for (const upload of this.of(conversationId)) if (upload.preview !== undefined) URL.revokeObjectURL(upload.preview);
    delete this.byConversation[conversationId];
  }

  private start(upload: Upload): void {
    upload.status = 'uploading';
    upload.progress = 0;
    upload.reason = '';
    const request = uploadFile(this.token, upload.file, upload.name, (done) => (upload.progress = done));
    upload.request = request;
    request.done.then(
      (stored) => {
        upload.id = stored.id;
        upload.progress = 1;
        upload.status = 'stored';
      },
      (error: Error) => {
        if (error.name === 'AbortError' || upload.request !== request) return;
        upload.status = 'failed';
        upload.reason = error.message;
      },
    );
  }
}
