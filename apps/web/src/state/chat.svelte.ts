import { ChatError, ClientErrorCode, type ChatClient, type ClientState, type Unsubscribe } from '@hearth/client';
import { ErrorCode, SERVER_EVENT_TYPES, type Conversation, type InvitePolicy, type Message, type NotifyLevel, type ServerEvent, type User } from '@hearth/protocol';
import { SvelteMap } from 'svelte/reactivity';
import { openChat } from '../lib/api.js';
import { conversationTitle, dmPartner } from '../lib/names.js';
import { plainText } from '../lib/plain-text.js';
import { conversationAsked, pushSubscription } from '../lib/push.js';
import { KeptDrafts, KeptSends, KeptShells } from '../lib/kept.js';
import { rememberConversation, rememberedConversation, updateSessionUser, type StoredSession } from '../lib/session.js';
import type { ConversationLog } from './conversation-log.svelte.js';
import { Histories } from './histories.svelte.js';
import { MessageActions } from './message-actions.svelte.js';
import { GroupActions } from './groups.svelte.js';
import { Outgoing } from './outgoing.svelte.js';
import { Typists } from './typists.svelte.js';
import { Alerts } from './alerts.svelte.js';
import { People } from './people.svelte.js';
import { ReadMarker } from './read-marker.js';
import { Unread } from './unread.svelte.js';

/** The requests about this person's devices and, for admins, the server's members and invites. */
export type AccountRequests = Pick<
  ChatClient,
  'sessions' | 'revokeSession' | 'revokeOtherSessions' | 'createSignInLink' | 'members' | 'setRole' | 'deactivateUser' | 'reactivateUser' | 'invites' | 'revokeInvite' | 'setInvitePolicy' | 'createInvite'
>;

/** The signed-in chat: one connection, and everything the server has told it, kept current by `apply`. */
export class ChatState {
  /** Who this is, as the server last said; the stored session's copy until it has. */
  me: User;
  readonly people = new People();
  readonly unread = new Unread();
  readonly typists = new Typists();
  readonly alerts = new Alerts();
  /** This person has sent a message since the page opened: a good moment to offer notifications. */
  takenPart = $state(false);
  readonly outgoing: Outgoing;
  readonly actions: MessageActions;
  readonly groups: GroupActions;
  connection = $state<ClientState>('idle');
  /** Conversations and people are known: the server has answered the sign-in, or the last one's were kept. */
  ready = $state(false);
  /** The browser says it has a network. */
  networkUp = $state(navigator.onLine);
  /** This page has been connected at least once: not being connected now means the connection was lost. */
  connectedOnce = $state(false);
  conversations = $state.raw<Conversation[]>([]);
  activeId = $state<number | null>(null);
  /** A problem worth a word to the user that belongs to no request. */
  notice = $state<string | null>(null);
  /** Where the line "new since your last visit" goes: after this message, in this conversation. */
  newSince = $state.raw<{ conversationId: number; after: number } | null>(null);
  /** Who may make invites, as the server said at sign-in (or this admin has set it since). */
  invitePolicy = $state<InvitePolicy>('everyone');
  /** Each conversation's newest message id, for ordering by activity. */
  private readonly activity = new SvelteMap<number, number>();

  readonly active = $derived(this.conversations.find((c) => c.id === this.activeId));

  private readonly client: ChatClient;
  private readonly token: string;
  private readonly histories: Histories;
  private readonly drafts: KeptDrafts;
  private readonly shells: KeptShells;
  private readonly marker: ReadMarker;
  private readonly unsubscribes: Unsubscribe[] = [];
  private visible = document.visibilityState === 'visible';
  /** The conversation a notification's click opened this page for. */
  private asked = conversationAsked();
  private stopped = false;
  /** This person chose to sign out: the server's closing the connection is expected, not news. */
  private leaving = false;

  constructor(
    session: StoredSession,
    /** The server refused the token: this browser is no longer signed in. */
    private readonly onRefused: (error: ChatError) => void,
  ) {
    this.me = $state.raw(session.user);
    this.token = session.token;
    this.client = openChat(session.token);
    this.outgoing = new Outgoing(this.client, new KeptSends(session.user.id));
    this.drafts = new KeptDrafts(session.user.id);
    this.shells = new KeptShells(session.user.id);
    this.histories = new Histories(this.client, () => this.connection === 'online');
    this.actions = new MessageActions(this.client, this.histories, (notice) => (this.notice = notice));
    this.groups = new GroupActions(this.client, this.people, () => this.me, (conversation) => this.updateConversation(conversation));
    this.marker = new ReadMarker(this.client, () => this.connection === 'online');
  }

  start(): void {
    for (const type of SERVER_EVENT_TYPES) this.unsubscribes.push(this.client.on(type, (event) => this.apply(event)));
    this.unsubscribes.push(
      this.client.onStateChange((state) => this.connectionChanged(state)),
      this.client.onResync(() => this.resync()),
      this.outgoing.watch(),
    );
    this.outgoing.restore();
    this.showKeptShell();
    document.addEventListener('visibilitychange', this.visibilityChanged);
    navigator.serviceWorker?.addEventListener('message', this.workerSaid);
    window.addEventListener('online', this.networkBack);
    window.addEventListener('offline', this.networkGone);
    this.client.connect().catch((error: ChatError) => this.stopped || this.onRefused(error));
  }

  stop(): void {
    this.stopped = true;
    this.marker.stop();
    this.outgoing.stop();
    this.typists.clear();
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    document.removeEventListener('visibilitychange', this.visibilityChanged);
    navigator.serviceWorker?.removeEventListener('message', this.workerSaid);
    window.removeEventListener('online', this.networkBack);
    window.removeEventListener('offline', this.networkGone);
    this.client.close();
  }

  /** What opens with no network is the conversations as they are now: a group left is gone, a new one there. */
  private keepShell(): void {
    this.shells.set({ conversations: this.conversations, users: [...this.people.users.values()] });
  }

  /** Brings the state up to date with one event from the server. */
  apply(event: ServerEvent): void {
    switch (event.type) {
      case 'auth_ok':
        this.signedIn(event.payload.user);
        this.people.reset(event.payload.users, event.payload.online_users);
        this.conversations = event.payload.conversations;
        this.keepShell();
        this.activity.clear();
        for (const c of event.payload.conversations) this.activity.set(c.id, c.last_message_id ?? 0);
        this.unread.reset(this.client.memberStates());
        this.ready = true;
        this.invitePolicy = event.payload.invite_policy ?? 'everyone';
        this.selectDefault();
        void this.keepPushing();
        return;
      case 'message': {
        const message = event.payload;
        this.log(message.conversation_id).add(message);
        this.typists.stopped(message.conversation_id, message.user_id);
        this.activity.set(message.conversation_id, Math.max(message.id, this.activity.get(message.conversation_id) ?? 0));
        this.unread.set(this.client.memberState(message.conversation_id));
        if (message.conversation_id === this.activeId) this.readActive();
        if (message.user_id === this.me.id) this.takenPart = true;
        // Only what arrives live: a catch-up after a reconnect tells of the past, and is shown as unread instead.
        else if (this.connection === 'online') this.alert(message);
        return;
      }
      case 'member_state_updated':
        this.unread.set(this.client.memberState(event.payload.state.conversation_id));
        return;

      case 'message_updated':
        this.log(event.payload.message.conversation_id).update(event.payload.message);
        return;
      case 'user_typing':
        this.typists.heard(event.payload.conversation_id, event.payload.user_id);
        return;
      case 'user_online':
        this.people.arrive(event.payload.user);
        return;
      case 'user_offline':
        this.people.leave(event.payload.user_id);
        return;
      case 'user_joined':
        this.people.join(event.payload.user);
        return;
      case 'user_updated':
        this.renamed(event.payload.user);
        return;
      case 'conversation_created':
        this.addConversation(event.payload.conversation);
        this.unread.set(this.client.memberState(event.payload.conversation.id));
        return this.keepShell();
      case 'conversation_updated':
        this.updateConversation(event.payload.conversation);
        return this.keepShell();
      case 'invite_policy_updated':
        this.invitePolicy = event.payload.policy;
        return;
      case 'error':
        // Errors with an id reject the request that caused them, where they are shown.
        if (event.id === undefined) this.notice = event.payload.message;
        return;
      case 'auth_error':
      case 'history':
      case 'push_updated':
      case 'caught_up':
      case 'invite_created':
      case 'search_results':
      case 'sessions':
      case 'sign_in_link':
      case 'members':
      case 'invites':
      case 'pong':
        // Answers to this client's own requests: handled where the request was made.
        return;
      default:
        return unhandled(event);
    }
  }

  log(conversationId: number): ConversationLog {
    return this.histories.log(conversationId);
  }

  loadOlder(conversationId: number): Promise<void> {
    return this.histories.loadOlder(conversationId);
  }

  title(conversation: Conversation): string {
    return conversationTitle(conversation, this.me.id);
  }

  /** The DM with a person, if there is one already. */
  dmWith(userId: number): Conversation | undefined {
    return this.conversations.find((c) => dmPartner(c, this.me.id)?.id === userId);
  }

  select(conversationId: number): void {
    // Choosing the conversation already open is no arrival: what came while it was open was being read.
    const switching = conversationId !== this.activeId;
    if (switching) this.newSince = null;
    this.activeId = conversationId;
    rememberConversation(conversationId);
    this.readActive(switching);
    this.showNewest(conversationId);
  }

  private alert(message: Message): void {
    const conversation = this.conversations.find((c) => c.id === message.conversation_id);
    if (conversation === undefined) return;
    const nickname = (id: number) => this.people.nickname(id);
    const watching = this.visible && this.activeId === conversation.id;
    this.alerts.arrived(
      {
        message,
        title: conversation.type === 'dm' ? nickname(message.user_id) : this.title(conversation),
        body: `${nickname(message.user_id)}: ${plainText(message.content, nickname)}`,
        open: () => this.select(conversation.id),
      },
      this.me.id,
      this.unread.state(conversation.id),
      watching,
    );
  }

  /** Newest activity first: the conversation with the most recent message. */
  byActivity = (a: Conversation, b: Conversation): number => (this.activity.get(b.id) ?? 0) - (this.activity.get(a.id) ?? 0) || b.id - a.id;

  /** Changes this person's nickname; a refusal (taken, against the rules) is thrown for the form to show. */
  async setNickname(nickname: string): Promise<void> {
    this.renamed(await this.client.setNickname(nickname));
  }

  /** Someone's new name, wherever it shows: people, conversation titles and members, and this person's own. */
  private renamed(user: User): void {
    this.people.join(user);
    if (user.id === this.me.id) this.signedIn(user);
    const named = (c: Conversation) => c.members.some((m) => m.id === user.id);
    if (this.conversations.some(named)) {
      this.conversations = this.conversations.map((c) => (named(c) ? { ...c, members: c.members.map((m) => (m.id === user.id ? user : m)) } : c));
    }
  }

  /** Asks the browser to let this page notify; from a click only. Then the server may push to this browser too. */
  async enableNotifications(): Promise<void> {
    await this.alerts.ask();
    await this.keepPushing();
  }

  /** With notifications allowed, this browser's push subscription is (again) given to the server; it changes nothing twice. */
  private async keepPushing(): Promise<void> {
    const key = this.client.session?.push_key;
    if (key === undefined || this.alerts.permission !== 'granted') return;
    const subscription = await pushSubscription(key);
    if (subscription !== undefined) await this.client.subscribePush(subscription).catch(() => undefined);
  }

  /** A notification was clicked while this page was open. */
  private readonly workerSaid = (event: MessageEvent): void => {
    const said = event.data as { type?: string; conversationId?: number } | null;
    if (said?.type === 'open_conversation' && this.conversations.some((c) => c.id === said.conversationId)) this.select(said.conversationId!);
  };

  /** Chooses which messages of a conversation notify this person, on all their devices. */
  async setNotify(conversationId: number, notify: NotifyLevel): Promise<void> {
    try {
      this.unread.set(await this.client.setNotify(conversationId, notify));
    } catch (error) {
      this.notice = `Could not change notifications: ${(error as ChatError).message}`;
    }
  }

  draft(conversationId: number): string {
    return this.drafts.get(conversationId);
  }

  saveDraft(conversationId: number, text: string): void {
    this.drafts.set(conversationId, text);
  }

  /** Tells the conversation's other members that this person is writing; the client sends it at most every 2 s. */
  typing(conversationId: number): void {
    this.client.typing(conversationId);
  }

  /** Opens the DM with a person, creating it if needed. */
  async openDm(userId: number): Promise<void> {
    const existing = this.dmWith(userId);
    if (existing !== undefined) return this.select(existing.id);
    // The server would refuse it: a deactivated account can be read about, not written to.
    if (this.people.users.get(userId)?.deactivated) {
      this.notice = `${this.people.nickname(userId)}'s account is deactivated.`;
      return;
    }
    try {
      this.selectCreated(await this.client.createDm(userId));
    } catch (error) {
      this.notice = `Could not open the conversation: ${(error as ChatError).message}`;
    }
  }

  async createGroup(userIds: number[]): Promise<void> {
    this.selectCreated(await this.client.createGroup(userIds));
  }

  /**
   * A fresh invite link to hand to someone. A member is refused with `forbidden` when only admins may invite: the
   * policy changed since sign-in, and the page stops offering it.
   */
  async createInvite(options?: Parameters<ChatClient['createInvite']>[0]): ReturnType<ChatClient['createInvite']> {
    try {
      return await this.client.createInvite(options);
    } catch (error) {
      if ((error as ChatError).code === ErrorCode.Forbidden) this.invitePolicy = 'admins';
      throw error;
    }
  }

  /** The connection's requests about accounts, for the devices and administration panels. */
  get account(): AccountRequests {
    return this.client;
  }

  /**
   * Signs this device out on the server too, so its token stops working. Without a connection it is only forgotten
   * here, and stays in the device list until signed out from another device. True when the server agreed.
   */
  async signOut(): Promise<boolean> {
    this.leaving = true;
    const id = this.client.session?.session_id;
    if (id === undefined || this.connection !== 'online') return false;
    // The server answers, then closes this connection as signed out; either says it is done.
    return this.client.revokeSession(id).then(
      () => true,
      (error: ChatError) => error.code === ClientErrorCode.SignedOut,
    );
  }

  /** A page of the messages this person may read that match a query, newest first. */
  search(query: string, filter: Parameters<ChatClient['search']>[1]): ReturnType<ChatClient['search']> {
    return this.client.search(query, filter);
  }

  private selectCreated(conversation: Conversation): void {
    this.addConversation(conversation);
    this.select(conversation.id);
  }

  private addConversation(conversation: Conversation): void {
    if (this.conversations.some((c) => c.id === conversation.id)) return;
    this.conversations = [...this.conversations, conversation];
  }

  /** A group renamed or its members changed; one this person is no longer among the members of is gone, and left if open. */
  private updateConversation(conversation: Conversation): void {
    if (!conversation.members.some((m) => m.id === this.me.id)) return this.dropConversation(conversation.id);
    if (!this.conversations.some((c) => c.id === conversation.id)) return this.addConversation(conversation);
    this.conversations = this.conversations.map((c) => (c.id === conversation.id ? conversation : c));
  }

  private dropConversation(conversationId: number): void {
    if (!this.conversations.some((c) => c.id === conversationId)) return;
    this.conversations = this.conversations.filter((c) => c.id !== conversationId);
    this.activity.delete(conversationId);
    this.unread.forget(conversationId);
    if (this.activeId === conversationId) {
      this.activeId = null;
      this.selectDefault();
    }
  }

  /** The server's word on who this is wins over what the browser kept, e.g. a nickname changed elsewhere. */
  private signedIn(user: User): void {
    this.me = user;
    updateSessionUser(this.token, user);
  }

  /** After a sign-in: the conversation already open, else the one open last time, else the lobby. */
  private selectDefault(): void {
    const known = (id: number | null): id is number => id !== null && this.conversations.some((c) => c.id === id);
    const asked = this.asked;
    this.asked = undefined;
    const id = [asked ?? null, this.activeId, rememberedConversation()].find(known) ?? this.conversations[0]?.id;
    if (id !== undefined) this.select(id);
  }

  /** The server could not tell what changed while away: what is held may be stale, so it is fetched anew. */
  private resync(): void {
    this.histories.clear();
    if (this.activeId !== null) this.showNewest(this.activeId);
  }

  private connectionChanged(state: ClientState): void {
    this.connection = state;
    if (state === 'closed') this.endedForGood();
    this.people.connected = state === 'online';
    if (state === 'online') this.connectedOnce = true;
    if (state === 'online' && this.activeId !== null) {
      this.readActive(true);
      this.showNewest(this.activeId);
    }
  }

  /**
   * The server closed the connection for good after the first sign-in (the first one's refusal rejects `connect`):
   * this device was signed out elsewhere, the account deactivated, or its token refused on reconnecting.
   */
  private endedForGood(): void {
    if (this.stopped || this.leaving || !this.connectedOnce) return;
    this.onRefused(this.client.closeReason ?? new ChatError(ClientErrorCode.Closed, 'The server closed the connection'));
  }

  /** Fetches the newest page if it is not held yet; once it is, what it shows has been seen. */
  private showNewest(conversationId: number): void {
    void this.histories.loadNewest(conversationId).then(() => conversationId === this.activeId && this.readActive());
  }

  /**
   * The open conversation is being read while the page is visible: what it holds is seen, so the marker moves to its
   * newest message. When the person `arrived` (opened it, came back to the page) to unread messages, the line "new
   * since your last visit" goes before them.
   */
  private readActive(arrived = false): void {
    const id = this.activeId;
    this.unread.reading = this.visible ? id : null;
    if (id === null || !this.visible) return;
    const state = this.unread.state(id);
    if (arrived && state !== undefined && state.unread > 0) this.newSince = { conversationId: id, after: state.last_read_id };
    const newest = this.log(id).messages.at(-1);
    if (newest !== undefined) this.marker.seen(id, newest.id);
  }

  /** Skips the wait before the next attempt to reconnect ("Reconnect now"). */
  reconnectNow(): void {
    this.client.reconnectNow();
  }

  /** Until the server answers, the last sign-in's conversations: a page opened offline shows them and what waits to go. */
  private showKeptShell(): void {
    const kept = this.shells.get();
    if (kept === undefined) return;
    this.people.reset(kept.users, []);
    this.conversations = kept.conversations;
    this.ready = true;
    this.selectDefault();
  }

  private readonly networkBack = (): void => {
    this.networkUp = true;
    this.client.reconnectNow();
  };

  private readonly networkGone = (): void => {
    this.networkUp = false;
    this.client.connectionLost();
  };

  private readonly visibilityChanged = (): void => {
    this.visible = document.visibilityState === 'visible';
    this.readActive(this.visible);
  };
}

function unhandled(event: never): never {
  throw new Error(`Unhandled server event ${(event as ServerEvent).type}`);
}
