import { MENTION_TOKEN, notifies, type Message, type PushNotification } from '@hearth/protocol';
import webpush from 'web-push';
import type { Directory } from '../domain/directory.js';
import { defaultNotify } from '../domain/member-states.js';
import type { Logger } from '../log.js';
import type { PushTarget, Store } from '../store/store.js';
import type { PushSubscriptions } from './subscriptions.js';
import type { VapidKeys } from './vapid.js';

/** A push waits this long at the push service for a device that is off, then is dropped: chat news goes stale. */
const PUSH_TTL_SECONDS = 6 * 3600;
/** A push service that has not answered by then is given up on for this message. */
const PUSH_TIMEOUT_MS = 10_000;
/** Characters of the message a notification shows. */
const BODY_LENGTH = 160;

/**
 * Sends Web Push notifications for new messages to members with no connection open, by their notify level in the
 * conversation; a subscription the push service says is gone (404, 410) is deleted.
 */
export class PushNotifier {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    /** Whether the user has a connection open: who does is told live, not pushed. */
    private readonly isOnline: (userId: number) => boolean,
    private readonly subscriptions: PushSubscriptions,
    private readonly keys: VapidKeys,
    private readonly contact: string,
    private readonly log: Logger,
  ) {}

  /** A message was published. Costs nothing more when nobody it could notify has a subscription. */
  messagePublished(message: Message): void {
    const recipients = this.recipients(message);
    if (recipients.length > 0) void this.send(message, recipients).catch((error: unknown) => this.log.warn({ err: error }, 'push notifications failed'));
  }

  private recipients(message: Message): number[] {
    const conversation = this.directory.conversations.get(message.conversation_id);
    if (conversation === undefined) return [];
    const members = conversation.type === 'lobby' ? this.subscriptions.subscribers : conversation.members;
    const found: number[] = [];
    for (const id of members) {
      if (id !== message.user_id && this.subscriptions.subscribers.has(id) && !this.isOnline(id)) found.push(id);
    }
    return found;
  }

  private async send(message: Message, recipients: number[]): Promise<void> {
    const targets = await this.store.push.targets(message.conversation_id, recipients);
    await Promise.all(
      targets
        .filter((target) => notifies(target.notify ?? defaultNotify(this.directory, message.conversation_id), message, target.userId))
        .map((target) => this.deliver(target, JSON.stringify(this.describe(message, target.userId) satisfies PushNotification))),
    );
  }

  /**
   * Encrypts for the device and posts to its push service. web-push builds the request (encryption, VAPID); it is
   * sent with fetch, which a push service on the local network (an operator's own, or a test's) can answer over http.
   */
  private async deliver(target: PushTarget, payload: string): Promise<void> {
    const request = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, payload, {
      vapidDetails: { subject: this.contact, publicKey: this.keys.publicKey, privateKey: this.keys.privateKey },
      TTL: PUSH_TTL_SECONDS,
    });
    try {
      const response = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
      if (response.status === 404 || response.status === 410) return await this.subscriptions.gone(target.userId, target.endpoint);
      if (!response.ok) this.log.warn({ status: response.status, userId: target.userId }, 'a push notification was not accepted');
    } catch (error) {
      this.log.warn({ err: error, userId: target.userId }, 'a push service could not be reached');
    }
  }

  /** The notification as the recipient's page would title it: the DM partner, the lobby, or the group's others. */
  private describe(message: Message, recipient: number): PushNotification {
    const conversation = this.directory.conversations.get(message.conversation_id)!;
    const nickname = (id: number) => this.directory.users.get(id)?.nickname ?? 'someone';
    const sender = nickname(message.user_id);
    const text = message.content.replace(MENTION_TOKEN, (_, id: string) => `@${nickname(Number(id))}`);
    const others = [...conversation.members].filter((id) => id !== recipient).map(nickname).join(', ');
    const title = conversation.type === 'dm' ? sender : conversation.type === 'lobby' ? 'Lobby' : others;
    return { conversation_id: message.conversation_id, message_id: message.id, title, body: `${sender}: ${[...text].slice(0, BODY_LENGTH).join('')}` };
  }
}

