import type { ChatClient } from '@hearth/client';
import type { Message, User } from '@hearth/protocol';
import { conversationTitle } from '../lib/names.js';
import { plainText } from '../lib/plain-text.js';
import { pushSubscription } from '../lib/push.js';
import { Alerts } from './alerts.svelte.js';
import type { Conversations } from './conversations.svelte.js';
import type { People } from './people.svelte.js';
import type { Selection } from './selection.svelte.js';
import type { Unread } from './unread.svelte.js';

/** What tells this person of a message while they look elsewhere: a sound and a notification here, Web Push when away. */
export class Notifications {
  readonly alerts = new Alerts();

  constructor(
    private readonly client: ChatClient,
    private readonly me: () => User,
    private readonly people: People,
    private readonly conversations: Conversations,
    private readonly selection: Selection,
    private readonly unread: Unread,
  ) {}

  /** A message from someone else arrived live. */
  arrived(message: Message): void {
    const conversation = this.conversations.get(message.conversation_id);
    if (conversation === undefined) return;
    const nickname = (id: number) => this.people.nickname(id);
    this.alerts.arrived(
      {
        message,
        title: conversation.type === 'dm' ? nickname(message.user_id) : conversationTitle(conversation, this.me().id),
        body: `${nickname(message.user_id)}: ${plainText(message.content, nickname)}`,
        open: () => this.selection.select(conversation.id),
      },
      this.me().id,
      this.unread.state(conversation.id),
      this.selection.watching(conversation.id),
    );
  }

  /** Asks the browser to let this page notify; from a click only. Then the server may push to this browser too. */
  async enable(): Promise<void> {
    await this.alerts.ask();
    await this.keepPushing();
  }

  /** With notifications allowed, this browser's push subscription is (again) given to the server; it changes nothing twice. */
  async keepPushing(): Promise<void> {
    const key = this.client.session?.push_key;
    if (key === undefined || this.alerts.permission !== 'granted') return;
    const subscription = await pushSubscription(key);
    if (subscription !== undefined) await this.client.subscribePush(subscription).catch(() => undefined);
  }

  /** A notification was clicked while this page was open. */
  readonly workerSaid = (event: MessageEvent): void => {
    const said = event.data as { type?: string; conversationId?: number } | null;
    if (said?.type === 'open_conversation' && this.conversations.has(said.conversationId ?? null)) this.selection.select(said.conversationId!);
  };
}
