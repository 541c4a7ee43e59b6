import { ClientEvent, ClientEvents } from './events/client.js';
import { ServerEvent, ServerEvents } from './events/server.js';
import { tolerant } from './tolerant.js';
import { HttpError, InviteStatus, RedeemInviteRequest, RedeemInviteResponse } from './http.js';
import { Conversation, Message, User } from './models.js';

/**
 * The whole protocol as one JSON Schema document, for clients in other languages.
 * Validate a client frame against `#/$defs/ClientEvent`, a server frame against `#/$defs/ServerEvent`. Client
 * events are strict (the server refuses undeclared fields); server events, and the data types in them, accept
 * fields they do not declare, so a client validating with this document keeps working when the server adds one.
 */
export function protocolJsonSchema() {
  return JSON.parse(
    JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Hearth chat protocol',
      description: 'Every WebSocket frame is JSON { type, payload, id? }. See API_CONTRACT.md.',
      $defs: {
        User: tolerant(User),
        Conversation: tolerant(Conversation),
        Message: tolerant(Message),
        ClientEvent,
        ServerEvent: tolerant(ServerEvent),
        ...ClientEvents,
        ...Object.fromEntries(Object.entries(ServerEvents).map(([type, schema]) => [type, tolerant(schema)])),
        RedeemInviteRequest,
        RedeemInviteResponse: tolerant(RedeemInviteResponse),
        InviteStatus: tolerant(InviteStatus),
        HttpError: tolerant(HttpError),
      },
    }),
  ) as Record<string, unknown>;
}
