import { ClientEvent, ClientEvents } from './events/client.js';
import { ServerEvent, ServerEvents } from './events/server.js';
import { HttpError, InviteStatus, RedeemInviteRequest, RedeemInviteResponse } from './http.js';
import { Conversation, Message, User } from './models.js';

/**
 * The whole protocol as one JSON Schema document, for clients in other languages.
 * Validate a client frame against `#/$defs/ClientEvent`, a server frame against `#/$defs/ServerEvent`.
 */
export function protocolJsonSchema() {
  return JSON.parse(
    JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Hearth chat protocol',
      description: 'Every WebSocket frame is JSON { type, payload, id? }. See API_CONTRACT.md.',
      $defs: {
        User,
        Conversation,
        Message,
        ClientEvent,
        ServerEvent,
        ...ClientEvents,
        ...ServerEvents,
        RedeemInviteRequest,
        RedeemInviteResponse,
        InviteStatus,
        HttpError,
      },
    }),
  ) as Record<string, unknown>;
}
