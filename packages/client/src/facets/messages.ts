import type { Message, ServerPayload } from '@hearth/protocol';
import type { ChatError } from '../errors.js';
import { newClientId } from '../ids.js';
import type { PendingMessage } from '../outbox.js';
import { refusalOf } from '../requests.js';
import { wire, type Sender } from '../sender.js';
import type { Request } from './request.js';

/** Writing, changing and reading messages. */
export type MessageRequests = ReturnType<typeof messageRequests>;

export function messageRequests(request: Request, sender: Sender, closed: () => ChatError | undefined) {
  return {
    /**
     * Sends a message: now if online, else once reconnected and caught up. A send whose acknowledgement did not come
     * (the connection dropped, or no reply in time, which makes the client reconnect) is sent again with the same
     * client_id, so it is stored once; one refused as too fast waits and goes again. Resolves with the stored
     * message; rejects only with the server's code for a refusal, or `closed`. To retry a rejected send without
     * storing it twice, pass its `clientId` again. `attachments` are ids of files from `uploadFile`; with them the
     * content may be empty.
     */
    sendMessage(
      conversationId: number,
      content: string,
      { clientId = newClientId(), replyTo, attachments }: { clientId?: string; replyTo?: number; attachments?: readonly string[] } = {},
    ): Promise<Message> {
      const message: PendingMessage = {
        client_id: clientId,
        conversation_id: conversationId,
        content,
        ...(replyTo === undefined ? {} : { reply_to: replyTo }),
        ...(attachments === undefined || attachments.length === 0 ? {} : { attachments }),
        queued_at: Date.now(),
      };
      const refusal = closed() ?? refusalOf('send_message', wire(message));
      if (refusal !== undefined) return Promise.reject(refusal);
      return sender.add(message);
    },

    /** Sends a message that answers another, in its conversation; as `sendMessage` otherwise. */
    reply(to: Pick<Message, 'id' | 'conversation_id'>, content: string, options: { clientId?: string } = {}): Promise<Message> {
      return this.sendMessage(to.conversation_id, content, { ...options, replyTo: to.id });
    },

    /** Replaces the content of one's own message; resolves with the message as it now is. */
    async editMessage(messageId: number, content: string): Promise<Message> {
      return (await request('edit_message', { message_id: messageId, content })).message;
    },

    /** Takes back one's own message: it stays in place, deleted, its content gone. */
    async deleteMessage(messageId: number): Promise<Message> {
      return (await request('delete_message', { message_id: messageId })).message;
    },

    /** Takes the link preview off one's own message, for everyone; resolves with the message as it now is. */
    async removePreview(messageId: number): Promise<Message> {
      return (await request('remove_preview', { message_id: messageId })).message;
    },

    /** Puts an emoji on a message; doing it twice changes nothing. */
    async react(messageId: number, emoji: string): Promise<Message> {
      return (await request('add_reaction', { message_id: messageId, emoji })).message;
    },

    /** Takes back one's own reaction; taking back one never made changes nothing. */
    async unreact(messageId: number, emoji: string): Promise<Message> {
      return (await request('remove_reaction', { message_id: messageId, emoji })).message;
    },

    /**
     * A page of a conversation's messages, oldest first: before `before`, or `around` a message (with `has_newer`), or
     * the newest page.
     */
    loadHistory(conversationId: number, page: { before?: number; around?: number; limit?: number } = {}): Promise<ServerPayload<'history'>> {
      return request('load_history', { conversation_id: conversationId, ...page });
    },

    /**
     * A page of the messages this user may read that match a query, newest first: every word, the last also as the
     * start of longer words when followed by `*`. For the next page, pass `before` = the last id of this one.
     */
    search(
      query: string,
      filter: { conversationId?: number; userId?: number; before?: number; limit?: number } = {},
    ): Promise<ServerPayload<'search_results'>> {
      const { conversationId, userId, before, limit } = filter;
      return request('search', { query, conversation_id: conversationId, user_id: userId, before, limit });
    },
  };
}
