import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, type User } from '@hearth/protocol';
import type { Sessions } from '../domain/sessions.js';
import { sendError } from './respond.js';

/**
 * The user an HTTP request is signed in as, by the device's or bot's token in `Authorization: Bearer <token>`: no
 * cookie, so no other site can make a browser act. Undefined once refused with 401.
 */
export async function bearerUser(req: IncomingMessage, res: ServerResponse, sessions: Sessions): Promise<User | undefined> {
  const token = /^Bearer (\S{1,256})$/i.exec(req.headers.authorization ?? '')?.[1];
  const signedIn = token === undefined ? undefined : await sessions.authenticate(token);
  if (signedIn !== undefined) return signedIn.user;
  sendError(res, ErrorCode.InvalidToken, 'Sign in: send your token as Authorization: Bearer <token>', { headers: { 'WWW-Authenticate': 'Bearer' } });
  return undefined;
}
