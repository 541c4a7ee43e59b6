import type { ChangeEventType, ConversationType, GroupEvent, LinkPreview, Message, NotifyLevel, Reaction, Role, User } from '@hearth/protocol';

// What the store takes and gives: the shapes its facets share with the domain.

export type ChangeKind = ChangeEventType;

export interface SearchFilter {
  /** The conversations to look in: those the searcher may read, or the one they asked for. Never empty. */
  conversationIds: readonly number[];
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

/** A line telling of a change to a group, written in the transaction that makes the change, by whoever made it. */
export interface NewGroupLine {
  userId: number;
  /** The change in words, for clients that do not read `event`. */
  content: string;
  event: GroupEvent;
}

/** What a group act stored: its changes in seq order, the line telling of it last; none when nothing changed. */
export interface GroupAct {
  records: ChangeRecord[];
  line?: Message;
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
  /** Files the sender uploaded and has not sent yet, to send with it, in this order. */
  attachments?: readonly string[];
}

/** An upload as its row records it; `messageId` null until it is sent. */
export interface FileRow {
  id: string;
  ownerId: number;
  name: string;
  size: number;
  type: string;
  width: number | null;
  height: number | null;
  createdAt: number;
  messageId: number | null;
  /** A prepared picture's ThumbHash. */
  placeholder: string | null;
  /** A prepared picture has a thumbnail beside it. */
  thumbnail: boolean;
  /** When a picture the server prepares was prepared; null until then, and for other files. */
  preparedAt: number | null;
}

/** A file as an upload records it: not sent, and not prepared yet. */
export type NewFile = Omit<FileRow, 'messageId' | 'placeholder' | 'thumbnail' | 'preparedAt'>;

/**
 * What preparing a picture found: its size as shown, and its bytes' new size once its metadata is removed; or, for
 * bytes that are no picture after all, only that (`type` then says to serve them as a download).
 */
export type PreparedFile =
  | { size: number; width: number; height: number; placeholder: string; thumbnail: boolean }
  | { type: string };

/** A file with where it was sent, for deciding who may read it. */
export interface FileWhere extends FileRow {
  /** The conversation of its message; null while it is unsent. */
  conversationId: number | null;
  /** Its message was deleted: the file goes with it. */
  deleted: boolean;
}

/** What a message may become: its changeable fields, whole. */
export interface MessageState {
  content: string;
  editedAt?: number;
  /** Once set it stays set. */
  deletedAt?: number;
  mentions?: readonly number[];
  reactions?: readonly Reaction[];
  preview?: LinkPreview;
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
export type AppendRefusal = 'conversation_missing' | 'sender_missing' | 'constraint' | 'reply_missing' | 'reply_deleted' | 'reply_to_line' | 'attachment_missing';

export interface LogBounds {
  /** Changes up to this seq have been trimmed: a cursor below it cannot be caught up. */
  horizon: number;
  /** The newest seq (0 when nothing was ever logged). */
  head: number;
}
