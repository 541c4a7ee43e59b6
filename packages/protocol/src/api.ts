import Type, { type Static, type TSchema } from 'typebox';
import { HISTORY_PAGE_MAX, MAX_CLIENT_ID_LENGTH, MAX_CONTENT_LENGTH, MAX_EMOJI_LENGTH } from './limits.js';
import { Conversation, Id, Message } from './models.js';
import { SendMessage } from './events/client.js';
import { History } from './events/server.js';
import { UploadedFile } from './http.js';

/*
 * The HTTP API: what a script, a CI job or a bot in any language says to the chat without a WebSocket, with the token
 * of a device or a bot as `Authorization: Bearer <token>`. Bodies are the same shapes the WebSocket carries, and each
 * request does what its WebSocket twin does: the same checks, limits, changes and errors.
 */

/** `POST /api/conversations/{conversation_id}/messages`: a message, as `send_message` without the conversation. */
export const ApiSendMessage = Type.Object(
  {
    content: SendMessage.properties.payload.properties.content,
    /** Idempotency key: a retry with the same key answers with the message stored the first time. Made up when left out. */
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_CLIENT_ID_LENGTH })),
    reply_to: SendMessage.properties.payload.properties.reply_to,
    attachments: SendMessage.properties.payload.properties.attachments,
  },
  { additionalProperties: false },
);
export type ApiSendMessage = Static<typeof ApiSendMessage>;

/** `PATCH /api/messages/{message_id}`: the new content. */
export const ApiEditMessage = Type.Object({ content: Type.String({ maxLength: MAX_CONTENT_LENGTH }) }, { additionalProperties: false });
export type ApiEditMessage = Static<typeof ApiEditMessage>;

/** `POST /api/messages/{message_id}/reactions`: one emoji. */
export const ApiReaction = Type.Object({ emoji: Type.String({ minLength: 1, maxLength: MAX_EMOJI_LENGTH }) }, { additionalProperties: false });
export type ApiReaction = Static<typeof ApiReaction>;

/** `GET /api/conversations`: the caller's conversations, the lobby first. */
export const ApiConversations = Type.Object({ conversations: Type.Array(Conversation) });
export type ApiConversations = Static<typeof ApiConversations>;

/** `GET /api/conversations/{conversation_id}/messages`: a page of history, newest first, as `history` carries it. */
export const ApiHistory = History.properties.payload;
export type ApiHistory = Static<typeof ApiHistory>;

/** One route of the HTTP API, as its OpenAPI document describes it and its tests walk it. */
export interface ApiRoute {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** An OpenAPI path: `{name}` for each integer id in it. */
  path: string;
  summary: string;
  body?: TSchema | 'bytes';
  query?: Record<string, TSchema>;
  /** Its status when it succeeds, and what it answers. */
  status: number;
  answer: TSchema;
  /** Error codes it may answer, beside `invalid_token`, `rate_limited` and the body's `invalid_json` and `invalid_payload`. */
  errors: readonly string[];
}

/** Every route of the HTTP API. */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/api/conversations',
    summary: 'The conversations the caller is a member of, the lobby first',
    status: 200,
    answer: ApiConversations,
    errors: [],
  },
  {
    method: 'get',
    path: '/api/conversations/{conversation_id}/messages',
    summary: 'A page of a conversation’s messages, newest first: the newest page, or the one before `before`',
    query: { before: Id, limit: Type.Integer({ minimum: 1, maximum: HISTORY_PAGE_MAX }) },
    status: 200,
    answer: ApiHistory,
    errors: ['conversation_not_found'],
  },
  {
    method: 'post',
    path: '/api/conversations/{conversation_id}/messages',
    summary: 'Sends a message; a retry with the same `client_id` answers with the message stored the first time',
    body: ApiSendMessage,
    status: 201,
    answer: Message,
    errors: ['conversation_not_found', 'content_empty', 'content_too_long', 'invalid_reply', 'message_deleted', 'file_not_found', 'body_too_large'],
  },
  {
    method: 'patch',
    path: '/api/messages/{message_id}',
    summary: 'Replaces the content of one of the caller’s messages',
    body: ApiEditMessage,
    status: 200,
    answer: Message,
    errors: ['message_not_found', 'not_your_message', 'message_deleted', 'content_empty', 'content_too_long', 'body_too_large'],
  },
  {
    method: 'delete',
    path: '/api/messages/{message_id}',
    summary: 'Deletes one of the caller’s messages (an admin: anyone’s)',
    status: 200,
    answer: Message,
    errors: ['message_not_found', 'not_your_message'],
  },
  {
    method: 'post',
    path: '/api/messages/{message_id}/reactions',
    summary: 'Reacts to a message with one emoji',
    body: ApiReaction,
    status: 200,
    answer: Message,
    errors: ['message_not_found', 'message_deleted', 'invalid_emoji', 'too_many_reactions', 'body_too_large'],
  },
  {
    method: 'post',
    path: '/api/files',
    summary: 'Uploads a file (the body is its bytes, `?name=` its name) to send within a day in a message’s `attachments`',
    query: { name: Type.String({ minLength: 1 }) },
    body: 'bytes',
    status: 201,
    answer: UploadedFile,
    errors: ['file_too_large', 'storage_quota_exceeded', 'invalid_file'],
  },
];

