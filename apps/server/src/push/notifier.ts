import { MENTION_TOKEN, notifies, type Message, type PushNotification } from '@hearth/protocol';
import webpush from 'web-push';
import type { Directory } from '../domain/directory.js';
import { defaultNotify } from '../domain/member-states.js';
import type { Logger } from '../log.js';
import { pushFailed, pushSent } from '../metrics.js';
import { OutboundError } from '../outbound/errors.js';
import type { OutboundGuard } from '../outbound/guard.js';
import type { PushTarget, Store } from '../store/store.js';
import type { FailureLog } from './failure-log.js';
import type { PushSubscriptions } from './subscriptions.js';
import type { VapidKeys } from './vapid.js';

/** A push waits this long at the push service for a device that is off, then is dropped: chat news goes stale. */
const PUSH_TTL_SECONDS = 6 * 3600;
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
    /** Every push goes out through the guard: public addresses only, bounded in number and time. */
    private readonly guard: OutboundGuard,
    private readonly failures: FailureLog,
    private readonly log: Logger,
  ) {}

  /** Whether anybody has a subscription: with none, no message needs looking at. */
  get anyone(): boolean {
    return this.subscriptions.subscribers.size > 0;
  }

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
   * Encrypts for the device and posts to its push service through the guard. web-push builds the request
   * (encryption, VAPID) and sends nothing itself. A failure is logged once per endpoint per interval.
   */
  private async deliver(target: PushTarget, payload: string): Promise<void> {
    try {
      const request = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, payload, {
        vapidDetails: { subject: this.contact, publicKey: this.keys.publicKey, privateKey: this.keys.privateKey },
        TTL: PUSH_TTL_SECONDS,
      });
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      const { status } = await this.guard.request(request.endpoint, { method: 'POST', headers, body: request.body ?? undefined });
      if (status < 400) return pushSent();
      if (status === 404 || status === 410) {
        pushFailed('gone');
        return await this.subscriptions.gone(target.userId, target.endpoint);
      }
      pushFailed('rejected');
      this.failures.warn(target.endpoint, { status, userId: target.userId }, 'a push notification was not accepted');
    } catch (error) {
      const code = error instanceof OutboundError ? error.code : 'invalid_subscription';
      pushFailed(code);
      this.failures.warn(target.endpoint, { code, reason: error instanceof Error ? error.message : String(error), userId: target.userId }, 'a push notification could not be sent');
    }
  }

  /** The notification as the recipient's page would title it: the DM partner, the lobby, or the group's others. */
  private describe(message: Message, recipient: number): PushNotification {
    const conversation = this.directory.conversations.get(message.conversation_id)!;
    const nickname = (id: number) => this.directory.users.get(id)?.nickname ?? 'someone';
    const sender = nickname(message.user_id);
    const text = message.content.replace(MENTION_TOKEN, (_, id: string) => `@${nickname(Number(id))}`) || filesSaid(message);
    const others = [...conversation.members].filter((id) => id !== recipient).map(nickname).join(', ');
    const title = conversation.type === 'dm' ? sender : conversation.type === 'lobby' ? 'Lobby' : others;
    return { conversation_id: message.conversation_id, message_id: message.id, title, body: `${sender}: ${[...text].slice(0, BODY_LENGTH).join('')}` };
  }
}


/** What a message of files alone says in a notification: a photo, or a file, or how many. */
function filesSaid(message: Message): string {
  const files = message.attachments ?? [];
  if (files.length === 0) return '';
  const photos = files.every((file) => file.type.startsWith('image/'));
  if (files.length === 1) return photos ? '📷 Photo' : `📎 ${files[0]!.name}`;
  return photos ? `📷 ${files.length} photos` : `📎 ${files.length} files`;
}
