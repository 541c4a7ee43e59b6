import type { ServerEventOf, ServerEventType } from './server.js';

/** What a change is about: the log keeps its id, and whoever reads the change later looks the thing up as it is now. */
export type ChangeSubject = 'message' | 'conversation' | 'user' | 'member_state';

/**
 * Every event that records a change, and so carries `seq`, `prev` and `stream`, with what it is about. A new kind
 * of change is one entry here; the lists and types below, and the server's and client's, follow from it.
 */
export const CHANGE_KINDS = {
  message: 'message',
  message_updated: 'message',
  conversation_created: 'conversation',
  user_joined: 'user',
  member_state_updated: 'member_state',
  user_updated: 'user',
  conversation_updated: 'conversation',
} as const satisfies Partial<Record<ServerEventType, ChangeSubject>>;

export type ChangeEventType = keyof typeof CHANGE_KINDS;
export type ChangeEvent = ServerEventOf<ChangeEventType>;

/** The events that record a change, in the order the protocol declares them. */
export const CHANGE_EVENT_TYPES = Object.keys(CHANGE_KINDS) as ChangeEventType[];

/**
 * Who may hear a change: everyone, one conversation's members, or one user. Clients tell gaps per stream, so a
 * change's `prev` is the change before it in the same stream.
 */
export type Stream = { kind: 'all' } | { kind: 'conversation'; id: number } | { kind: 'user'; id: number };

/** A stream as it is written in a change's `stream`: `all`, `c<conversation id>` or `u<user id>`. */
export type StreamKey = 'all' | `c${number}` | `u${number}`;

export function streamKey(stream: Stream): StreamKey {
  if (stream.kind === 'all') return 'all';
  return stream.kind === 'conversation' ? `c${stream.id}` : `u${stream.id}`;
}

const KEY = /^([cu])([1-9][0-9]{0,15})$/;

/** The stream a key names; undefined for a key this protocol version does not define (a client keeps it opaque). */
export function parseStream(key: string): Stream | undefined {
  if (key === 'all') return { kind: 'all' };
  const match = KEY.exec(key);
  if (match === null) return undefined;
  const id = Number(match[2]);
  return match[1] === 'c' ? { kind: 'conversation', id } : { kind: 'user', id };
}

/**
 * Where a change sits in the server's numbered change log. Every change a client must learn carries these, live
 * and in `caught_up` pages alike. A client takes `stream` as an opaque string, so streams added later still work.
 */
export interface ChangeStamp<K extends string = string> {
  /** The change's own number: global and strictly increasing. */
  readonly seq: number;
  /** The `seq` of the change before it in the same stream; 0 when none is kept. */
  readonly prev: number;
  readonly stream: K;
}

/** A change event with its numbers, as the server sends it live and in catch-up pages. */
export type StampedChange = ChangeEvent & ChangeStamp<StreamKey>;
