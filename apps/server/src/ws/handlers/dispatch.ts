import type { ClientEventOf, ClientEventType } from '@hearth/protocol';
import type { Connection } from '../connection.js';
import type { Handler, Handlers } from './handler.js';

/** Every request a signed-in connection may make but `auth` (already done) and sends (stored in runs). */
export type RequestType = Exclude<ClientEventType, 'auth' | 'send_message'>;

/** What a signed-in connection's requests go to: one handler per request type, and sends a run at a time. */
export interface Dispatch {
  handlers: Handlers<RequestType>;
  sends(conn: Connection, events: ClientEventOf<'send_message'>[]): Promise<void>;
}

/** Runs one validated request with the handler of its type. */
export function handle(handlers: Handlers<RequestType>, conn: Connection, event: ClientEventOf<RequestType>): Promise<void> | void {
  return (handlers[event.type] as Handler<RequestType>)(conn, event);
}
