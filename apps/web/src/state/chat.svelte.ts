import { ChatError, ClientErrorCode, type ChatClient, type ClientState, type Unsubscribe } from '@hearth/client';
import { SERVER_EVENT_TYPES, type Conversation, type NotifyLevel, type ServerEvent, type User } from '@hearth/protocol';
import { openChat } from '../lib/api.js';
import { conversationTitle } from '../lib/names.js';
import { HistoryCache } from '../lib/history-cache.js';
import { KeptDrafts, KeptSends, KeptShells } from '../lib/kept.js';
import { updateSessionUser, type StoredSession } from '../lib/session.js';
import { Connection } from './connection.svelte.js';
import type { AccountRequests } from './devices.svelte.js';
import { Conversations } from './conversations.svelte.js';
import { Histories } from './histories.svelte.js';
import { MessageActions } from './message-actions.svelte.js';
import { GroupActions } from './groups.svelte.js';
import { Invites } from './invites.svelte.js';
import { Opening } from './opening.svelte.js';
import { Outgoing } from './outgoing.svelte.js';
import { Files } from './files.svelte.js';
import { Uploads } from './uploads.svelte.js';
import { Typists } from './typists.svelte.js';
import { People } from './people.svelte.js';
import { Notifications } from './notifications.svelte.js';
import { ReadMarker } from './read-marker.js';
import { Selection } from './selection.svelte.js';
import { Unread } from './unread.svelte.js';

/** The signed-in chat: one connection, and everything the server has told it, kept current by `apply`. */
export class ChatState {
  /** Who this is, as the server last said; the stored session's copy until it has. */
  me: User;
  readonly people: People;
  readonly conversations = new Conversations(() => this.me);
  readonly unread = new Unread();
  readonly typists = new Typists();
  readonly selection: Selection;
  readonly notifications: Notifications;
  readonly opening: Opening;
  /** This person has sent a message since the page opened: a good moment to offer notifications. */
  takenPart = $state(false);
  readonly outgoing: Outgoing;
  readonly actions: MessageActions;
  readonly groups: GroupActions;
  /** Each conversation's messages, as far back as fetched. */
  readonly histories: Histories;
  readonly invites: Invites;
  /** What this person was writing in each conversation, kept across reloads. */
  readonly drafts: KeptDrafts;
  readonly connection: Connection;
  /** Files attached to the message being written in each conversation, uploading. */
  readonly uploads: Uploads;
  /** Links to files, and the picture open in the lightbox. */
  readonly files: Files;
  /** Conversations and people are known: the server has answered the sign-in, or the last one's were kept. */
  ready = $state(false);
  /** A problem worth a word to the user that belongs to no request. */
  notice = $state<string | null>(null);

  private readonly client: ChatClient;
  private readonly token: string;
  private readonly shells: KeptShells;
  private readonly history: HistoryCache;
  private readonly marker: ReadMarker;
  private readonly unsubscribes: Unsubscribe[] = [];
  private stopped = false;

  constructor(
    session: StoredSession,
    /** The server refused the token: this browser is no longer signed in. */
    private readonly onRefused: (error: ChatError) => void,
  ) {
    this.me = $state.raw(session.user);
    this.token = session.token;
    this.client = openChat(session.token);
    this.connection = new Connection(this.client);
    this.uploads = new Uploads(session.token);
    this.files = new Files(this.client);
    this.people = new People(() => this.me.id, this.client);
    const online = () => this.connection.online;
    this.outgoing = new Outgoing(this.client, new KeptSends(session.user.id));
    this.drafts = new KeptDrafts(session.user.id);
    this.shells = new KeptShells(session.user.id);
    this.history = new HistoryCache(session.user.id);
    this.histories = new Histories(this.client, online, this.history);
    this.actions = new MessageActions(this.client, this.histories, (notice) => (this.notice = notice));
    this.invites = new Invites(this.client, () => this.me);
    this.groups = new GroupActions(this.client, this.people, () => this.me, (conversation) => this.opening.updated(conversation));
    const marker = new ReadMarker(this.client, online);
    this.selection = new Selection(this.conversations, this.unread, this.histories, marker);
    this.notifications = new Notifications(this.client, () => this.me, this.people, this.conversations, this.selection, this.unread);
    this.marker = marker;
    this.opening = new Opening(this.client, this.conversations, this.people, this.selection, this.unread, (notice) => (this.notice = notice));
  }

  start(): void {
    for (const type of SERVER_EVENT_TYPES) this.unsubscribes.push(this.client.on(type, (event) => this.apply(event)));
    this.unsubscribes.push(
      this.client.onStateChange((state) => this.connectionChanged(state)),
      this.client.onResync(() => this.selection.resync()),
      this.outgoing.watch(),
    );
    this.outgoing.restore();
    this.showKeptShell();
    document.addEventListener('visibilitychange', this.selection.visibilityChanged);
    navigator.serviceWorker?.addEventListener('message', this.notifications.workerSaid);
    this.unsubscribes.push(this.connection.watchNetwork());
    this.client.connect().catch((error: ChatError) => this.stopped || this.onRefused(error));
  }

  stop(): void {
    this.stopped = true;
    this.marker.stop();
    this.outgoing.stop();
    this.history.stop();
    this.typists.clear();
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    document.removeEventListener('visibilitychange', this.selection.visibilityChanged);
    navigator.serviceWorker?.removeEventListener('message', this.notifications.workerSaid);
    this.client.close();
  }

  /** What opens with no network is the conversations as they are now: a group left is gone, a new one there. */
  private keepShell(): void {
    this.shells.set({ conversations: this.conversations.list, users: [...this.people.users.values()] });
  }

  /** Brings the state up to date with one event from the server. */
  apply(event: ServerEvent): void {
    switch (event.type) {
      case 'auth_ok':
        this.signedIn(event.payload.user);
        this.people.reset(event.payload.users, event.payload.online_users, event.payload.users_partial === true);
        this.conversations.reset(event.payload.conversations);
        this.keepShell();
        this.unread.reset(this.client.memberStates());
        this.ready = true;
        this.invites.policy = event.payload.invite_policy ?? 'everyone';
        this.selection.selectDefault();
        void this.notifications.keepPushing();
        return;
      case 'message': {
        const message = event.payload;
        this.histories.log(message.conversation_id).add(message);
        // A sender this page has not heard of is asked for now, so a notification can name them.
        this.people.user(message.user_id);
        this.typists.stopped(message.conversation_id, message.user_id);
        this.conversations.heard(message);
        this.unread.set(this.client.memberState(message.conversation_id));
        this.selection.heard(message.conversation_id);
        if (message.user_id === this.me.id) this.takenPart = true;
        // Only what arrives live: a catch-up after a reconnect tells of the past, and is shown as unread instead.
        // A group change line is no one speaking: it is never unread, so it does not ring either.
        else if (this.connection.online && message.event === undefined) this.notifications.arrived(message);
        return;
      }
      case 'member_state_updated':
        this.unread.set(this.client.memberState(event.payload.state.conversation_id));
        return;

      case 'message_updated':
        this.histories.updated(event.payload.message);
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
      // A page opened offline names the people in what it kept: they are kept as they come and change.
      case 'user_joined':
        this.people.join(event.payload.user);
        return this.keepShell();
      case 'user_updated':
        this.renamed(event.payload.user);
        return this.keepShell();
      case 'conversation_created':
        this.conversations.add(event.payload.conversation);
        this.unread.set(this.client.memberState(event.payload.conversation.id));
        return this.keepShell();
      case 'conversation_updated':
        this.opening.updated(event.payload.conversation);
        // A group this person left or was removed from is not kept for reading offline either.
        if (!this.conversations.has(event.payload.conversation.id)) void this.history.forget(event.payload.conversation.id);
        return this.keepShell();
      case 'invite_policy_updated':
        this.invites.policy = event.payload.policy;
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
      case 'bot_key':
      case 'webhook_created':
      case 'webhooks':
      case 'bot_endpoint':
      case 'members':
      case 'users':
      case 'invites':
      case 'pong':
        // Answers to this client's own requests: handled where the request was made.
        return;
      default:
        return unhandled(event);
    }
  }

  title(conversation: Conversation): string {
    return conversationTitle(conversation, this.me.id);
  }

  /** Changes this person's nickname; a refusal (taken, against the rules) is thrown for the form to show. */
  async setNickname(nickname: string): Promise<void> {
    this.renamed(await this.client.setNickname(nickname));
  }

  /** Sets what this person says they are up to; a refusal (too long, two lines) is thrown for the form to show. */
  async setStatus(status: string): Promise<void> {
    this.renamed(await this.client.setStatus(status));
  }

  /** Someone's new name, wherever it shows: people, conversation titles and members, and this person's own. */
  private renamed(user: User): void {
    this.people.join(user);
    if (user.id === this.me.id) this.signedIn(user);
    this.conversations.renamed(user);
  }

  /** Chooses which messages of a conversation notify this person, on all their devices. */
  async setNotify(conversationId: number, notify: NotifyLevel): Promise<void> {
    try {
      this.unread.set(await this.client.setNotify(conversationId, notify));
    } catch (error) {
      this.notice = `Could not change notifications: ${(error as ChatError).message}`;
    }
  }

  /** Tells the conversation's other members that this person is writing; the client sends it at most every 2 s. */
  typing(conversationId: number): void {
    this.client.typing(conversationId);
  }

  /** The connection's requests about accounts, for the devices and administration panels. */
  get account(): AccountRequests {
    return this.client;
  }

  /** A page of the messages this person may read that match a query, newest first. */
  search(query: string, filter: Parameters<ChatClient['search']>[1]): ReturnType<ChatClient['search']> {
    return this.client.search(query, filter);
  }

  /** The server's word on who this is wins over what the browser kept, e.g. a nickname changed elsewhere. */
  private signedIn(user: User): void {
    this.me = user;
    updateSessionUser(this.token, user);
  }

  private connectionChanged(state: ClientState): void {
    this.connection.changed(state);
    const ended = state === 'closed' && !this.stopped ? this.connection.endedForGood() : undefined;
    if (ended !== undefined) this.onRefused(ended);
    this.people.connected = state === 'online';
    if (state === 'online') this.selection.reconnected();
  }

  /** Until the server answers, the last sign-in's conversations: a page opened offline shows them and what waits to go. */
  private showKeptShell(): void {
    const kept = this.shells.get();
    if (kept === undefined) return;
    this.people.reset(kept.users, []);
    this.conversations.showKept(kept.conversations);
    this.ready = true;
    this.selection.selectDefault();
  }
}

function unhandled(event: never): never {
  throw new Error(`Unhandled server event ${(event as ServerEvent).type}`);
}
