import type { Attachment, FileLink, Message, UploadedFile } from '@hearth/protocol';
import { downloadFile, fileLink, httpUrlFor, uploadFile, type FileData } from '../files.js';
import type { MessageRequests } from './messages.js';

/** Photos and files: uploaded over HTTP with the client's token, then sent with a message. */
export type FileRequests = ReturnType<typeof fileRequests>;

export function fileRequests(wsUrl: string, token: string, messages: Pick<MessageRequests, 'sendMessage'>) {
  // Read when first needed: a client is made before anyone knows its URL is good.
  const base = () => httpUrlFor(wsUrl);
  return {
    /** Uploads a file, unsent: pass its id in `sendMessage`'s `attachments` within a day, or it is deleted. */
    uploadFile(data: FileData, name: string): Promise<UploadedFile> {
      return uploadFile(base(), token, data, name);
    },

    /** Uploads a file and sends it to a conversation, with a caption or none; resolves with the stored message. */
    async sendFile(conversationId: number, data: FileData, name: string, caption = ''): Promise<Message> {
      const file = await uploadFile(base(), token, data, name);
      return messages.sendMessage(conversationId, caption, { attachments: [file.id] });
    },

    /** The bytes of a file a message carries. */
    downloadFile(file: Pick<Attachment, 'id' | 'name'>): Promise<Uint8Array> {
      return downloadFile(base(), token, file);
    },

    /** An absolute URL of a file that works without a token for a few minutes, for a page's `<img>` or `<video>`. */
    fileLink(file: Pick<Attachment, 'id'>): Promise<FileLink> {
      return fileLink(base(), token, file.id);
    },
  };
}
