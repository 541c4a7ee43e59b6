import type { ChatClient, ChatError, PendingMessage, Unsubscribe } from '@hearth/client';
import { newClientId } from '@hearth/client';
import type { KeptSend, KeptSends } from '../lib/kept.js';

/** A send the server refused; it can be tried again with the same client_id, so it is never stored twice. */
export type FailedSend = KeptSend & Required<Pick<KeptSend, 'reason' | 'failed_at'>>;

/**
 * Messages on their way: waiting in the client's outbox for an acknowledgement, or refused. Each is kept in the
 * browser until it is stored or discarded, so sends written before a reload or a closed tab go out afterwards,
 * with the client_id they were first given.
 */
export class Outgoing {
  pending = $state.raw<readonly PendingMessage[]>([]);
  failed = $state.raw<FailedSend[]>([]);
  private stopped = false;

  constructor(
    private readonly client: ChatClient,
    private readonly kept: KeptSends,
  ) {}

  watch(): Unsubscribe {
    return this.client.onOutboxChange((pending) => (this.pending = pending));
  }

  /** Picks up where an earlier page stopped: its waiting sends go out again, its refused ones are shown again. */
  restore(): void {
    for (const send of this.kept.all()) {
      if (isFailed(send)) this.failed = [...this.failed, send];
      else this.send(send.conversation_id, send.content, { clientId: send.client_id, replyTo: send.reply_to, attachments: send.attachments });
    }
  }

  /** Sends now, or once reconnected; until the server stores it the message shows as pending. */
  send(
    conversationId: number,
    content: string,
    { clientId = newClientId(), replyTo, attachments }: { clientId?: string; replyTo?: number; attachments?: readonly string[] } = {},
  ): void {
    const kept: KeptSend = {
      client_id: clientId,
      conversation_id: conversationId,
      content,
      ...(replyTo === undefined ? {} : { reply_to: replyTo }),
      ...(attachments === undefined || attachments.length === 0 ? {} : { attachments: [...attachments] }),
    };
    this.kept.put(kept);
    this.client.sendMessage(conversationId, content, { clientId, replyTo, attachments: kept.attachments }).then(
      () => this.kept.remove(clientId),
      (error: ChatError) => this.refused({ ...kept, reason: error.message, failed_at: Date.now() }),
    );
  }

  retry(failed: FailedSend): void {
    this.forget(failed);
    this.send(failed.conversation_id, failed.content, { clientId: failed.client_id, replyTo: failed.reply_to, attachments: failed.attachments });
  }

  discard(failed: FailedSend): void {
    this.forget(failed);
    this.kept.remove(failed.client_id);
  }

  /** Sends cut short by closing the connection (signing out, another tab signing in) are not refusals. */
  stop(): void {
    this.stopped = true;
  }

  private forget(failed: FailedSend): void {
    this.failed = this.failed.filter((f) => f !== failed);
  }

  private refused(failed: FailedSend): void {
    if (this.stopped) return;
    this.kept.put(failed);
    this.failed = [...this.failed, failed];
  }
}

function isFailed(send: KeptSend): send is FailedSend {
  return typeof send.reason === 'string' && typeof send.failed_at === 'number';
}
