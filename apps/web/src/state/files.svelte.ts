import type { ChatClient } from '@hearth/client';
import { isPreparedImage, type Attachment, type FileLink, type Message } from '@hearth/protocol';

/** A link is asked for again this long before it expires, so a page never shows one that dies while it loads. */
const MARGIN_S = 60;

/** A picture of a conversation, as the lightbox moves between them. */
export interface Picture {
  message: Message;
  file: Attachment;
}

/**
 * Files as the page shows them: signed links for `<img>` and downloads (a page's `<img>` cannot send the token),
 * each asked for once and kept until near its expiry; and the picture the lightbox shows, if any.
 */
export class Files {
  /** The picture open in the lightbox. */
  viewing = $state<{ conversationId: number; fileId: string } | null>(null);
  private readonly links = new Map<string, Promise<FileLink>>();
  private readonly expiry = new Map<string, number>();

  constructor(private readonly client: ChatClient) {}

  link(file: Pick<Attachment, 'id'>): Promise<FileLink> {
    const cached = this.links.get(file.id);
    if (cached !== undefined && (this.expiry.get(file.id) ?? 0) - MARGIN_S > Date.now() / 1000) return cached;
    const asked = this.client.fileLink(file);
    this.links.set(file.id, asked);
    this.expiry.set(file.id, Infinity);
    asked.then(
      (link) => this.expiry.set(file.id, link.expires_at),
      () => this.links.delete(file.id),
    );
    return asked;
  }

  /** Saves a file through a signed link, as the browser's own download. */
  async download(file: Attachment): Promise<void> {
    const anchor = document.createElement('a');
    anchor.href = (await this.link(file)).url;
    anchor.download = file.name;
    anchor.click();
  }

  view(conversationId: number, file: Attachment): void {
    this.viewing = { conversationId, fileId: file.id };
  }
}

/** The pictures ready to show among messages, oldest first: what the lightbox steps through. */
export function picturesIn(messages: readonly Message[]): Picture[] {
  const pictures: Picture[] = [];
  for (const message of messages) {
    for (const file of message.attachments ?? []) if (shownAsPicture(file)) pictures.push({ message, file });
  }
  return pictures;
}

/** A picture the server has prepared: it has a size, and a thumbnail to show in the conversation. */
export function shownAsPicture(file: Attachment): boolean {
  return isPreparedImage(file.type) && file.width !== undefined && file.height !== undefined && file.thumbnail === true;
}
