import {
  type ApiConversations,
  type ApiHistory,
  type Conversation,
  type Message,
  type UploadedFile,
} from '@hearth/protocol';
import { reach, refusal, uploadFile, type FileData } from './files.js';
import { newClientId } from './ids.js';

export interface HttpApiOptions {
  /** The server's address, e.g. `https://chat.example` (its WebSocket URL works too). */
  url: string;
  /** A bot's key, or a device's token. */
  token: string;
}

/**
 * The HTTP API (`/api/openapi.json`) for a script or a bot that need not stay connected: each call is one request,
 * signed in by the token, answered with the protocol's shapes or rejected with a ChatError carrying the server's code.
 */
export class HttpApi {
  private readonly base: string;

  constructor(private readonly options: HttpApiOptions) {
    const url = new URL(options.url);
    url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
    this.base = url.origin;
  }

  /** The conversations the caller is in, the lobby first. */
  async conversations(): Promise<Conversation[]> {
    return (await this.call<ApiConversations>('GET', '/api/conversations')).conversations;
  }

  /** A page of a conversation's messages, newest first; pass the oldest id as `before` for the page before it. */
  history(conversationId: number, page: { before?: number; limit?: number } = {}): Promise<ApiHistory> {
    const query = new URLSearchParams();
    if (page.before !== undefined) query.set('before', String(page.before));
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    return this.call('GET', `/api/conversations/${conversationId}/messages${query.size > 0 ? `?${query}` : ''}`);
  }

  /** Sends a message; retrying with the same `clientId` answers with the message stored the first time. */
  send(conversationId: number, content: string, options: { clientId?: string; replyTo?: number; attachments?: readonly string[] } = {}): Promise<Message> {
    return this.call('POST', `/api/conversations/${conversationId}/messages`, {
      content,
      client_id: options.clientId ?? newClientId(),
      ...(options.replyTo === undefined ? {} : { reply_to: options.replyTo }),
      ...(options.attachments === undefined ? {} : { attachments: options.attachments }),
    });
  }

  edit(messageId: number, content: string): Promise<Message> {
    return this.call('PATCH', `/api/messages/${messageId}`, { content });
  }

  delete(messageId: number): Promise<Message> {
    return this.call('DELETE', `/api/messages/${messageId}`);
  }

  react(messageId: number, emoji: string): Promise<Message> {
    return this.call('POST', `/api/messages/${messageId}/reactions`, { emoji });
  }

  /** Uploads a file to send with a message's `attachments` within a day. */
  upload(data: FileData, name: string): Promise<UploadedFile> {
    return uploadFile(this.base, this.options.token, data, name);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await reach(`${this.base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.options.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer: unknown = await response.json().catch(() => undefined);
    if (response.ok) return answer as T;
    throw refusal(response, answer);
  }
}
