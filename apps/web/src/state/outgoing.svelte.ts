import type { ChatClient, ChatError, PendingMessage, Unsubscribe } from '@hearth/client';
import { newClientId } from '@hearth/client';

/** A send the server refused; it can be tried again with the same client_id, so it is never stored twice. */
export interface FailedSend {
  client_id: string;
  conversation_id: number;
  content: string;
  reason: string;
  /** Milliseconds since the epoch. */
  failed_at: number;
}

/** Messages on their way: waiting in the client's outbox for an acknowledgement, or refused. */
export class Outgoing {
  pending = $state.raw<readonly PendingMessage[]>([]);
  failed = $state.raw<FailedSend[]>([]);
  private stopped = false;

  constructor(private readonly client: ChatClient) {}

  watch(): Unsubscribe {
    return this.client.onOutboxChange((pending) => (this.pending = pending));
  }

  /** Sends now, or once reconnected; until the server stores it the message shows as pending. */
  send(conversationId: number, content: string, clientId = newClientId()): void {
    const refused = (error: ChatError) =>
      this.refused({ client_id: clientId, conversation_id: conversationId, content, reason: error.message, failed_at: Date.now() });
    this.client.sendMessage(conversationId, content, { clientId }).catch(refused);
  }

  retry(failed: FailedSend): void {
    this.discard(failed);
    this.send(failed.conversation_id, failed.content, failed.client_id);
  }

  discard(failed: FailedSend): void {
    this.failed = this.failed.filter((f) => f !== failed);
  }

  /** Sends cut short by signing out are not failures worth showing. */
  stop(): void {
    this.stopped = true;
  }

  private refused(failed: FailedSend): void {
    if (!this.stopped) this.failed = [...this.failed, failed];
  }
}
