import type { ClientEventOf, ClientEventType, ClientPayload } from './events/client.js';
import type { ServerEventOf, ServerEventType, ServerPayload } from './events/server.js';

/** Builds a typed server → client event. */
export function serverEvent<T extends ServerEventType>(type: T, payload: ServerPayload<T>, id?: string): ServerEventOf<T> {
  return (id === undefined ? { type, payload } : { type, payload, id }) as ServerEventOf<T>;
}

/** Builds a typed client → server event. */
export function clientEvent<T extends ClientEventType>(type: T, payload: ClientPayload<T>, id?: string): ClientEventOf<T> {
  return (id === undefined ? { type, payload } : { type, payload, id }) as ClientEventOf<T>;
}
