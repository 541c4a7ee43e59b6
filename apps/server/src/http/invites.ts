import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, RedeemInviteRequest, type InviteStatus, type RedeemInviteResponse } from '@hearth/protocol';
import { Compile } from 'typebox/compile';
import type { Context } from '../context.js';
import { KeyedLimiter } from '../rate-limit.js';
import { sendError, sendJson } from './respond.js';

const MAX_BODY_BYTES = 4096;
const redeemRequest = Compile(RedeemInviteRequest);

/** `GET /api/invites/<code>` tells whether an invite is usable; `POST` with `{ nickname }` redeems it. */
export class InviteRoutes {
  readonly limiter: KeyedLimiter;

  constructor(private readonly ctx: Context) {
    this.limiter = new KeyedLimiter(ctx.config.redeemsPerMinute / 60, ctx.config.redeemBurst);
  }

  async handle(req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
    if (req.method === 'GET') return this.status(res, code);
    if (req.method === 'POST') return this.redeem(req, res, code);
    res.writeHead(405, { Allow: 'GET, POST' }).end();
  }

  private async status(res: ServerResponse, code: string): Promise<void> {
    const status = await this.ctx.invites.status(code);
    if (status === 'missing') return sendError(res, ErrorCode.InviteNotFound, 'This invite does not exist');
    if (status === 'used') return sendError(res, ErrorCode.InviteUsed, 'This invite has already been used');
    sendJson(res, 200, { code, available: true } satisfies InviteStatus);
  }

  // Limited per address so nobody can walk the code space or mass-create accounts from one host.
  private async redeem(req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
    const verdict = this.limiter.take(this.ctx.clientAddress(req));
    if (!verdict.ok) {
      const seconds = String(Math.ceil(verdict.retryAfterMs / 1000));
      return sendError(res, ErrorCode.RateLimited, 'Too many attempts; try again shortly', { 'Retry-After': seconds });
    }
    const body = await readJson(req);
    if (body === undefined) return sendError(res, ErrorCode.InvalidJson, 'The body must be JSON');
    if (!redeemRequest.Check(body)) return sendError(res, ErrorCode.InvalidPayload, 'The body must be { "nickname": string }');
    const result = await this.ctx.invites.redeem(code, body.nickname);
    if (!result.ok) return sendError(res, result.error.code, result.error.message);
    this.ctx.publisher.publish(result.value.change);
    this.ctx.log.info({ userId: result.value.user.id, nickname: result.value.user.nickname }, 'user joined');
    sendJson(res, 201, { user: result.value.user, token: result.value.token } satisfies RedeemInviteResponse);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
