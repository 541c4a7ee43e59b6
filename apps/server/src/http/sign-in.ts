import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, SignInRequest, type RedeemInviteResponse, type SignInLinkStatus } from '@hearth/protocol';
import { Compile } from 'typebox/compile';
import type { Sessions } from '../domain/sessions.js';
import type { Logger } from '../log.js';
import type { ClientAddress } from '../client-address.js';
import { deviceLabel } from '../domain/device-label.js';
import { isJson, readJson } from './body.js';
import type { InviteLimits } from './invites.js';
import { sendError, sendJson, sendRateLimited } from './respond.js';

const signInRequest = Compile(SignInRequest);

/**
 * `GET /api/sign-in/<code>` tells whom a sign-in link signs in as; `POST` with `{ device? }` signs this device in.
 * Limited per address on the invite API's budgets: both let a guessed code in.
 */
export class SignInRoutes {
  constructor(
    private readonly ctx: { sessions: Sessions; clientAddress: ClientAddress; log: Logger },
    private readonly limiter: InviteLimits,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
    if (req.method === 'GET') return this.status(req, res, code);
    if (req.method === 'POST') return this.signIn(req, res, code);
    res.writeHead(405, { Allow: 'GET, POST' }).end();
  }

  private async status(req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
    const taken = await this.limiter.checks.takeUpTo(this.ctx.clientAddress(req), 1);
    if (taken.granted === 0) return sendRateLimited(res, taken.retryAfterMs, 'Too many checks; try again shortly');
    const result = await this.ctx.sessions.linkStatus(code);
    if (!result.ok) return sendError(res, result.error.code, result.error.message);
    sendJson(res, 200, { code, user: result.value.user, expires_at: result.value.expiresAt } satisfies SignInLinkStatus);
  }

  // JSON only, for the reason the invite API gives: a cross-site form cannot send it without a preflight.
  private async signIn(req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
    if (!isJson(req)) return sendError(res, ErrorCode.InvalidPayload, 'The body must be sent as Content-Type: application/json', { status: 415 });
    const taken = await this.limiter.redeems.takeUpTo(this.ctx.clientAddress(req), 1);
    if (taken.granted === 0) return sendRateLimited(res, taken.retryAfterMs, 'Too many attempts; try again shortly');
    const body = await readJson(req);
    if (body === undefined) return sendError(res, ErrorCode.InvalidJson, 'The body must be JSON');
    if (!signInRequest.Check(body)) return sendError(res, ErrorCode.InvalidPayload, 'The body must be { "device"?: string }');
    const result = await this.ctx.sessions.signIn(code, deviceLabel(body.device, req.headers['user-agent']));
    if (!result.ok) return sendError(res, result.error.code, result.error.message);
    this.ctx.log.info({ userId: result.value.user.id, sessionId: result.value.sessionId }, 'device signed in with a link');
    sendJson(res, 201, { user: result.value.user, token: result.value.token } satisfies RedeemInviteResponse);
  }
}
