import type { ChatClient, ChatError, ClientState, Unsubscribe } from '@hearth/client';
import { SERVER_EVENT_TYPES, type Conversation, type ServerEvent, type User } from '@hearth/protocol';
import { openChat } from '../lib/api.js';
import { conversationTitle, dmPartner } from '../lib/names.js';
import { KeptDrafts, KeptSends } from '../lib/kept.js';
import { rememberConversation, rememberedConversation, updateSessionUser, type StoredSession } from '../lib/session.js';
import type { ConversationLog } from './conversation-log.svelte.js';
import { Histories } from './histories.svelte.js';
import { MessageActions } from './message-actions.svelte.js';
import { Outgoing } from './outgoing.svelte.js';
import { Typists } from './typists.svelte.js';
import { People } from './people.svelte.js';
import { Unread } from './unread.svelte.js';

/** The signed-in chat: one connection, and everything the server has told it, kept current by `apply`. */
export class ChatState {
  /** Who this is, as the server last said; the stored session's copy until it has. */
  me: User;
  readonly people = new People();
  readonly unread = new Unread();
  readonly typists = new Typists();
  readonly outgoing: Outgoing;
  readonly actions: MessageActions;
  connection = $state<ClientState>('idle');
  /** The server has answered the sign-in at least once, so conversations and people are known. */
  ready = $state(false);
  conversations = $state.raw<Conversation[]>([]);
  activeId = $state<number | null>(null);
  /** A problem worth a word to the user that belongs to no request. */
  notice = $state<string | null>(null);

  readonly active = $derived(this.conversations.find((c) => c.id === this.activeId));

  private readonly client: ChatClient;
  private readonly token: string;
  private readonly histories: Histories;
  private readonly drafts: KeptDrafts;
  private readonly unsubscribes: Unsubscribe[] = [];
  private visible = document.visibilityState === 'visible';
  private stopped = false;

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
    this.histories = new Histories(this.client, () => this.connection === 'online');
    this.actions = new MessageActions(this.client, this.histories, (notice) => (this.notice = notice));
  }

  start(): void {
    for (const type of SERVER_EVENT_TYPES) this.unsubscribes.push(this.client.on(type, (event) => this.apply(event)));
    this.unsubscribes.push(
      this.client.onStateChange((state) => this.connectionChanged(state)),
      this.client.onResync(() => this.resync()),
      this.outgoing.watch(),
    );
    this.outgoing.restore();
    document.addEventListener('visibilitychange', this.visibilityChanged);
    window.addEventListener('online', this.networkBack);
    window.addEventListener('offline', this.networkGone);
    this.client.connect().catch((error: ChatError) => this.stopped || this.onRefused(error));
  }

  stop(): void {
    this.stopped = true;
    this.outgoing.stop();
    this.typists.clear();
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    document.removeEventListener('visibilitychange', this.visibilityChanged);
    window.removeEventListener('online', this.networkBack);
    window.removeEventListener('offline', this.networkGone);
    this.client.close();
  }

  /** Brings the state up to date with one event from the server. */
  apply(event: ServerEvent): void {
    switch (event.type) {
      case 'auth_ok':
        this.signedIn(event.payload.user);
        this.people.reset(event.payload.users, event.payload.online_users);
        this.conversations = event.payload.conversations;
        this.ready = true;
        this.selectDefault();
        return;
      case 'message': {
        const message = event.payload;
        this.log(message.conversation_id).add(message);
        this.typists.stopped(message.conversation_id, message.user_id);
        const inView = message.conversation_id === this.activeId && this.visible;
        if (message.user_id !== this.me.id && !inView) this.unread.bump(message.conversation_id);
        return;
      }
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
      case 'conversation_created':
        this.addConversation(event.payload.conversation);
        return;
      case 'member_state_updated':
        return;
      case 'error':
        // Errors with an id reject the request that caused them, where they are shown.
        if (event.id === undefined) this.notice = event.payload.message;
        return;
      case 'auth_error':
      case 'history':
      case 'caught_up':
      case 'invite_created':
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
    this.activeId = conversationId;
    rememberConversation(conversationId);
    if (this.visible) this.unread.clear(conversationId);
    this.histories.loadNewest(conversationId);
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
    try {
      this.selectCreated(await this.client.createDm(userId));
    } catch (error) {
      this.notice = `Could not open the conversation: ${(error as ChatError).message}`;
    }
  }

  async createGroup(userIds: number[]): Promise<void> {
    this.selectCreated(await this.client.createGroup(userIds));
  }

  /** A fresh invite link to hand to someone. */
  async createInvite(): Promise<string> {
    return (await this.client.createInvite()).url;
  }

  private selectCreated(conversation: Conversation): void {
    this.addConversation(conversation);
    this.select(conversation.id);
  }

  private addConversation(conversation: Conversation): void {
    if (this.conversations.some((c) => c.id === conversation.id)) return;
    this.conversations = [...this.conversations, conversation];
  }

  /** The server's word on who this is wins over what the browser kept, e.g. a nickname changed elsewhere. */
  private signedIn(user: User): void {
    this.me = user;
    updateSessionUser(this.token, user);
  }

  /** After a sign-in: the conversation already open, else the one open last time, else the lobby. */
  private selectDefault(): void {
    const known = (id: number | null): id is number => id !== null && this.conversations.some((c) => c.id === id);
    const id = [this.activeId, rememberedConversation()].find(known) ?? this.conversations[0]?.id;
    if (id !== undefined) this.select(id);
  }

  /** The server could not tell what changed while away: what is held may be stale, so it is fetched anew. */
  private resync(): void {
    this.histories.clear();
    if (this.activeId !== null) this.histories.loadNewest(this.activeId);
  }

  private connectionChanged(state: ClientState): void {
    this.connection = state;
    this.people.connected = state === 'online';
    if (state === 'online' && this.activeId !== null) this.histories.loadNewest(this.activeId);
  }

  /** Skips the wait before the next attempt to reconnect ("Reconnect now"). */
  reconnectNow(): void {
    this.client.reconnectNow();
  }

  private readonly networkBack = (): void => this.client.reconnectNow();

  private readonly networkGone = (): void => this.client.connectionLost();

  private readonly visibilityChanged = (): void => {
    this.visible = document.visibilityState === 'visible';
    if (this.visible && this.activeId !== null) this.unread.clear(this.activeId);
  };
}

function unhandled(event: never): never {
  throw new Error(`Unhandled server event ${(event as ServerEvent).type}`);
}
