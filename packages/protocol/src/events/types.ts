import { clientEventChecks } from '../generated/client-events.js';
import { tolerantServerEventChecks } from '../generated/server-events.js';
import type { ClientEventType } from './client.js';
import type { ServerEventType } from './server.js';

// The lists come from the generated checks, which come from the schemas: a bundle that needs only the names and
// the checks (a web page) leaves the schemas out.

/** Every client → server event type, in the order the protocol declares them. */
export const CLIENT_EVENT_TYPES = /* @__PURE__ */ Object.keys(clientEventChecks) as ClientEventType[];

/** Every server → client event type, in the order the protocol declares them. */
export const SERVER_EVENT_TYPES = /* @__PURE__ */ Object.keys(tolerantServerEventChecks) as ServerEventType[];
