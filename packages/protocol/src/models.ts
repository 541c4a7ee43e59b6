import Type, { type Static } from 'typebox';
import { OPEN } from './envelope.js';

/** A positive database id. */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
/** Seconds since the Unix epoch. */
export const Timestamp = Type.Integer({ minimum: 0 });

export const User = Type.Object(
  { id: Id, nickname: Type.String() },
  { additionalProperties: false },
);
export type User = Static<typeof User>;

/** Open: a later version may add types; clients should show a conversation of a type they do not know plainly. */
export const ConversationType = Type.Union([Type.Literal('lobby'), Type.Literal('dm'), Type.Literal('group')], { [OPEN]: true });
export type ConversationType = Static<typeof ConversationType>;

export const Conversation = Type.Object(
  {
    id: Id,
    type: ConversationType,
    /** Members of a DM or group; empty for the lobby, which everyone is in. */
    members: Type.Array(User),
    created_at: Timestamp,
  },
  { additionalProperties: false },
);
export type Conversation = Static<typeof Conversation>;

export const Message = Type.Object(
  {
    id: Id,
    conversation_id: Id,
    user_id: Id,
    content: Type.String(),
    /** The sender's idempotency key from `send_message`. */
    client_id: Type.String(),
    created_at: Timestamp,
  },
  { additionalProperties: false },
);
export type Message = Static<typeof Message>;
