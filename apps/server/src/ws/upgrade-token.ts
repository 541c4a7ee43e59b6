import type { IncomingMessage } from 'node:http';

/** The subprotocol a browser offers its token in, after `hearth`: a browser's WebSocket cannot set headers. */
export const TOKEN_PROTOCOL_PREFIX = 'hearth.bearer.';

/**
 * The token an upgrade presents, if any: `Authorization: Bearer <token>` (bots), or a subprotocol
 * `hearth.bearer.<token>` (browsers). It only earns a kept place in the pool of connections not signed in yet; the
 * connection still signs in with its `auth` frame.
 */
export function upgradeToken(req: IncomingMessage): string | undefined {
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (bearer !== null) return bearer[1];
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length) || undefined;
}
