import type { ClientPayload, RequestType } from '@hearth/protocol';
import type { ReplyPayload } from '../requests.js';

/**
 * Sends one request and resolves with its reply's payload; rejects with the server's code for a refusal, `closed`
 * once the client is closed, or a client-side code when the payload breaks the protocol's rules before it goes.
 */
export type Request = <T extends RequestType>(type: T, payload: ClientPayload<T>) => Promise<ReplyPayload<T>>;
