import type { ChangeEventType, ConversationType, Message, NotifyLevel, Reaction, Role, SearchTerms, User } from '@hearth/protocol';

/**
 * Everything the server keeps, behind one asynchronous interface. The domain reaches the database only through
 * it, so another SQL dialect is another implementation of this file, not a change to the domain.
 *
 * Every write that a client must learn appends a change to the log in the same transaction and returns it; the
 * caller hands it to the publisher. Seqs are assigned by the store, strictly increasing, and returned in the order
 * they were assigned.
 */
export interface Store {
  /** Users, conversations and memberships, for the in-memory directory at start. */
  loadDirectory(): Promise<DirectorySnapshot>;
  /** The lobby's id, creating the lobby on first start. */
  ensureLobby(createdAt: number): Promise<number>;
  /** The session a bearer token belongs to, with its user; none once the session is revoked. */
  sessionByTokenHash(tokenHash: string): Promise<SignedIn | undefined>;
  /** The user's sessions, most recently used first. */
  sessionsOf(userId: number): Promise<SessionRow[]>;
  /** Deletes the user's sessions: one, or all but one. Returns the ids deleted. */
  deleteSessions(userId: number, which: { only: number } | { except: number }): Promise<number[]>;
  /** Records that these sessions were connected at `at`. */
  touchSessions(ids: readonly number[], at: number): Promise<void>;
  createSignInLink(link: NewSignInLink): Promise<void>;
  signInLink(codeHash: string): Promise<SignInLinkRow | undefined>;
  /** Uses a sign-in link once and makes a session with it, all or nothing; of two racing for one link, one wins. */
  useSignInLink(use: UseSignInLink): Promise<UseSignInLinkOutcome>;
  /** Gives a user a role (null: member) and appends `user_updated`; `missing` for no such user. */
  setRole(userId: number, role: Role | null, at: number): Promise<AccountChange>;
  /**
   * Deactivates a user (deleting their sessions and push subscriptions) or reactivates them, and appends
   * `user_updated`; nothing when they already were. The ids of the sessions deleted come back.
   */
  setDeactivated(userId: number, deactivated: boolean, at: number): Promise<AccountChange & { revoked?: number[] }>;
  /** Everyone, in order of joining, with what admins see of them. */
  members(): Promise<MemberRow[]>;
  /**
   * Stores each user's nickname key as `keyOf` makes it now, where that differs, so uniqueness follows the current
   * rule. A user whose new key another user already holds keeps the old one. Returns how many keys changed.
   */
  rekeyNicknames(keyOf: (nickname: string) => string): Promise<number>;

  createInvite(invite: NewInvite): Promise<void>;
  inviteStatus(code: string, now: number): Promise<InviteStatus>;
  /** The newest `limit` invites, newest first. */
  invites(limit: number): Promise<InviteRow[]>;
  /** Revokes an invite; false when no invite has this code. */
  revokeInvite(code: string, at: number): Promise<boolean>;
  /** The code of an unused invite made at first start, if there is one. */
  unusedFirstInvite(): Promise<string | undefined>;
  /** Gives a user another nickname and appends `user_updated`; refused when another user holds its key. */
  renameUser(rename: Rename): Promise<RenameOutcome>;
  /** Claims the invite, creates the user and puts them in the lobby, all or nothing; appends `user_joined`. */
  redeemInvite(redeem: Redeem): Promise<RedeemOutcome>;

  /** Creates a DM or group with its members and appends `conversation_created`; a DM that exists is returned instead. */
  createConversation(conversation: NewConversation): Promise<CreatedConversation>;
  /** Names a group (null: no name) and appends `conversation_updated`; none when it already had this title. */
  renameGroup(conversationId: number, title: string | null, at: number): Promise<ChangeRecord[]>;
  /**
   * Adds users to a group, skipping those already in it: appends `conversation_updated` in its stream, then
   * `conversation_created` in each added user's own stream. Each added member's `joined_seq` is the first's seq.
   */
  addMembers(conversationId: number, userIds: readonly number[], at: number): Promise<ChangeRecord[]>;
  /**
   * Takes a user out of a group: appends `conversation_updated` in its stream, then one in the removed user's own
   * stream. None when they were not a member.
   */
  removeMember(conversationId: number, userId: number, at: number): Promise<ChangeRecord[]>;

  /**
   * Stores messages in one transaction, each once per (sender, client_id), and appends a `message` change for each
   * new one. Resolves once committed, with one outcome per message in order: a message the database refuses on its
   * own (its conversation or sender is gone) fails alone, storing and logging nothing, while the rest are stored. If
   * it rejects (the database itself failed), none of them is stored.
   */
  appendMessages(messages: readonly NewMessage[]): Promise<AppendedMessage[]>;
  /** Up to `limit` messages of a conversation with an id below `before`, newest first. */
  messagesBefore(conversationId: number, before: number, limit: number): Promise<Message[]>;
  /** Up to `limit` messages of a conversation with an id above `after`, oldest first. */
  messagesAfter(conversationId: number, after: number, limit: number): Promise<Message[]>;
  /**
   * Changes one message in one transaction: reads it, lets `decide` say what it becomes, writes that and appends a
   * `message_updated` change. Content a deletion clears is erased from the file, not only unlinked. `missing` when
   * there is no such message; a refusal or `unchanged` writes nothing.
   */
  updateMessage<R>(messageId: number, decide: (message: Message) => MessageDecision<R>, at: number): Promise<MessageUpdate<R>>;
  /** The newest message id (0 if none). */
  newestMessageId(): Promise<number>;
  /**
   * Up to `limit` messages with an id below `before`, newest first, that hold the search terms and that the user may
   * read: those of conversations they are a member of. Only one conversation's, or one sender's, when the filter says.
   */
  searchMessages(userId: number, terms: SearchTerms, filter: SearchFilter): Promise<Message[]>;

  /** The user's state in each of their conversations, unread counted over messages with an id up to `upTo`. */
  memberStates(userId: number, upTo: number): Promise<StoredMemberState[]>;
  /**
   * Changes one member's state in one transaction: reads it, lets `decide` say what it becomes, counts what is unread
   * as of now, writes both and appends a `member_state_updated` change in the user's stream. `missing` when the user
   * is not a member; `unchanged` writes nothing and returns the state as it is.
   */
  updateMemberState(
    userId: number,
    conversationId: number,
    decide: (state: MemberSettings) => MemberSettings | 'unchanged',
    at: number,
  ): Promise<MemberStateUpdate>;

  /** A value the server keeps, made by `make` and stored the first time it is asked for. */
  setting(name: string, make: () => string): Promise<string>;
  /** Stores a value the server keeps, replacing what was there. */
  putSetting(name: string, value: string): Promise<void>;
  /**
   * Keeps a browser's push subscription for a user (an endpoint already kept moves to them, with its new keys), and
   * forgets their oldest beyond `keep`.
   */
  savePushSubscription(subscription: PushSubscriptionRow, keep: number): Promise<void>;
  /** Forgets a push subscription (only the user's own, when `userId` is given); whether there was one. */
  deletePushSubscription(endpoint: string, userId?: number): Promise<boolean>;
  /** Users with at least one push subscription. */
  pushSubscribers(): Promise<number[]>;
  /** The push subscriptions of these users who are members of the conversation, with their notify level there. */
  pushTargets(conversationId: number, userIds: readonly number[]): Promise<PushTarget[]>;

  /**
   * Changes with a seq in (after, upTo] that the user may see as of now (their conversations' changes and
   * everyone's), oldest first, at most `limit`; a message change comes with the message.
   */
  changesFor(userId: number, after: number, upTo: number, limit: number): Promise<LoggedChange[]>;
  /**
   * Every change with a seq in (after, upTo], whoever may see it, oldest first, at most `limit`; a message change comes
   * with the message, a member state change with the state while it is current. What a server process that missed
   * some of the others' changes on the bus reads to deliver them in order.
   */
  changesBetween(after: number, upTo: number, limit: number): Promise<LoggedChange[]>;
  /** What the log holds: changes after `horizon`, up to `head`. */
  logBounds(): Promise<LogBounds>;
  /** Deletes the oldest changes made before `createdBefore`, or beyond the newest `keepRows`; never the newest. */
  trimLog(createdBefore: number, keepRows: number): Promise<number>;

  close(): Promise<void>;
}

export type ChangeKind = ChangeEventType;

export interface SearchFilter {
  conversationId?: number;
  senderId?: number;
  before: number;
  limit: number;
}

/** One change as the log records it. */
export interface ChangeRecord {
  seq: number;
  /** The seq of the change before it in the same stream (same conversation, or everyone's), 0 if none is kept. */
  prev: number;
  kind: ChangeKind;
  /** Whose members may see it; null when everyone may. */
  conversationId: number | null;
  /** The message, conversation or user it is about. */
  subjectId: number;
  /** The one user who may see it (their own state, a group they were added to or left): its stream is theirs. */
  userId?: number;
}

/** A change read back from the log, with the message or member state it records, while that is still current. */
export interface LoggedChange extends ChangeRecord {
  message?: Message;
  memberState?: StoredMemberState;
}

/** What a member chooses about a conversation: how far they have read, and what notifies them (null: the default). */
export interface MemberSettings {
  lastReadId: number;
  notify: NotifyLevel | null;
}

/** A member's settings with what is unread after their marker (others' messages, not deleted, up to UNREAD_COUNT_MAX). */
export interface StoredMemberState extends MemberSettings {
  conversationId: number;
  unread: number;
  mentions: number;
}

export interface PushSubscriptionRow {
  userId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: number;
}

export interface PushTarget extends Omit<PushSubscriptionRow, 'createdAt'> {
  notify: NotifyLevel | null;
}

export type MemberStateUpdate = { state: StoredMemberState; change?: ChangeRecord } | 'missing';

export interface DirectorySnapshot {
  users: User[];
  conversations: {
    id: number;
    type: ConversationType;
    createdAt: number;
    lastMessageId: number | null;
    title: string | null;
    createdBy: number | null;
  }[];
  members: { conversationId: number; userId: number }[];
}

export type InviteStatus = 'available' | 'used' | 'missing' | 'expired' | 'revoked';

export interface NewInvite {
  code: string;
  createdBy: number | null;
  createdAt: number;
  /** Null: never. */
  expiresAt: number | null;
  /** Null: any number. */
  maxUses: number | null;
}

export interface InviteRow extends NewInvite {
  uses: number;
  revokedAt: number | null;
}

/** A new device's session: its token by hash, and how it named itself. */
export interface NewSession {
  tokenHash: string;
  label: string;
}

export interface Redeem extends NewSession {
  code: string;
  nickname: string;
  nicknameKey: string;
  lobbyId: number;
  createdAt: number;
}

export type RedeemOutcome =
  | { ok: true; user: User; sessionId: number; change: ChangeRecord }
  | { ok: false; reason: 'invite_missing' | 'invite_used' | 'invite_expired' | 'invite_revoked' | 'nickname_taken' };

/** A signed-in connection's identity: the user and which of their sessions. */
export interface SignedIn {
  user: User;
  sessionId: number;
}

export interface SessionRow {
  id: number;
  label: string;
  createdAt: number;
  lastUsedAt: number;
}

export interface NewSignInLink {
  codeHash: string;
  userId: number;
  createdBy: number | null;
  createdAt: number;
  expiresAt: number;
}

export interface SignInLinkRow extends NewSignInLink {
  usedAt: number | null;
}

export interface UseSignInLink extends NewSession {
  codeHash: string;
  at: number;
}

export type UseSignInLinkOutcome =
  | { ok: true; user: User; sessionId: number }
  | { ok: false; reason: 'missing' | 'expired' | 'deactivated' };

/** A change to a user's account: the user as they are now, and the change, absent when nothing changed. */
export type AccountChange = { user: User; change?: ChangeRecord } | 'missing';

export interface MemberRow {
  user: User;
  joinedAt: number;
  /** The newest `last_used_at` of their sessions; null with none. */
  lastActiveAt: number | null;
  sessions: number;
}

export interface Rename {
  userId: number;
  nickname: string;
  nicknameKey: string;
  at: number;
}

export type RenameOutcome =
  | { ok: true; user: User; /** Absent when the nickname was already this. */ change?: ChangeRecord }
  | { ok: false; reason: 'nickname_taken' | 'missing' };

export interface NewConversation {
  type: 'dm' | 'group';
  /** "<low id>:<high id>" for a DM, so two people share at most one; null for a group. */
  dmKey: string | null;
  memberIds: readonly number[];
  createdAt: number;
  /** Who made a group; null for a DM. */
  createdBy: number | null;
}

export interface CreatedConversation {
  id: number;
  createdAt: number;
  /** Absent when a DM between the two already existed. */
  change?: ChangeRecord;
}

export interface NewMessage {
  conversationId: number;
  userId: number;
  content: string;
  clientId: string;
  createdAt: number;
  /** The message it answers; it must be in the same conversation and not deleted. */
  replyTo?: number;
  mentions?: readonly number[];
}

/** What a message may become: its changeable fields, whole. */
export interface MessageState {
  content: string;
  editedAt?: number;
  /** Once set it stays set. */
  deletedAt?: number;
  mentions?: readonly number[];
  reactions?: readonly Reaction[];
}

/** What `updateMessage`'s caller decides, given the message as stored. */
export type MessageDecision<R> = { state: MessageState } | { refused: R } | 'unchanged';

export type MessageUpdate<R> =
  | {
      message: Message;
      /** Absent when the decision was `unchanged`. */
      change?: ChangeRecord;
    }
  | { refused: R }
  | 'missing';

/** One message's outcome: stored (or found stored), or `refused` by the database on its own, storing nothing. */
export type AppendedMessage =
  | {
      message: Message;
      /** Absent when a retry found the message already stored under its client_id. */
      change?: ChangeRecord;
      refused?: undefined;
    }
  | { refused: AppendRefusal; message?: undefined; change?: undefined };

/** Why the database refused one message of a batch. */
export type AppendRefusal = 'conversation_missing' | 'sender_missing' | 'constraint' | 'reply_missing' | 'reply_deleted';

export interface LogBounds {
  /** Changes up to this seq have been trimmed: a cursor below it cannot be caught up. */
  horizon: number;
  /** The newest seq (0 when nothing was ever logged). */
  head: number;
}
