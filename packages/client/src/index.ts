export { ChatClient } from './client.js';
export { clientDefaults, type ChatClientOptions, type ClientState, type Session } from './options.js';
export { ChatError, ClientErrorCode, type ChatErrorCode, type ChatErrorDetails } from './errors.js';
export { parseInviteUrl, parseSignInUrl, redeemInvite, signInWithLink, wsUrlFor, type InviteLink } from './invites.js';
export { newClientId } from './ids.js';
export type { PendingMessage } from './outbox.js';
export type { Unsubscribe } from './listeners.js';
export type { BackoffOptions } from './reconnect.js';
export type { WebSocketConstructor, WebSocketLike } from './socket.js';
