import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, RedeemInviteRequest, type InviteStatus, type RedeemInviteResponse } from '@hearth/protocol';
import { Compile } from 'typebox/compile';
import type { Config } from '../config.js';
import type { Bus } from '../bus/bus.js';
import type { Invites } from '../domain/invites.js';
import type { Logger } from '../log.js';
import type { Publisher } from '../ws/publisher.js';
import type { ClientAddress } from '../client-address.js';
import type { Limit } from '../rate-limit.js';
import { deviceLabel } from '../domain/device-label.js';
import { inviteRefusal } from '../domain/invites.js';
import { isJson, readJson } from './body.js';
import { sendError, sendJson, sendRateLimited } from './respond.js';

const redeemRequest = Compile(RedeemInviteRequest);

/**
 * The invite API's limits per client address, each its own bucket, forgotten together once refilled. Shared by every
 * process on the bus: behind a load balancer, a host spreading its guesses over N processes gets no more than at one.
 */
export class InviteLimits {
  readonly redeems: Limit<string>;
  readonly checks: Limit<string>;

  constructor(config: Config, bus: Bus) {
    this.redeems = bus.limit('redeems', config.redeemsPerMinute / 60, config.redeemBurst);
    this.checks = bus.limit('invite-checks', config.inviteChecksPerMinute / 60, config.inviteCheckBurst);
  }

  prune(): void {
    this.redeems.prune();
    this.checks.prune();
  }
}

export interface InviteRouteNeeds {
  invites: Invites;
  publisher: Publisher;
  clientAddress: ClientAddress;
  log: Logger;
}

/** `GET /api/invites/<code>` tells whether an invite is usable; `POST` with `{ nickname }` redeems it. */
export class InviteRoutes {
  constructor(
    private readonly ctx: InviteRouteNeeds,
    private readonly limiter: InviteLimits,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
    if (req.method === 'GET') return this.status(req, res, code);
    if (req.method === 'POST') return this.redeem(req, res, code);
    res.writeHead(405, { Allow: 'GET, POST' }).end();
  }

  // Limited per address on its own budget: the answer tells a guess that hits from one that misses, so unlimited
  // it would let one host try codes as fast as it can ask. The join page asks once per visit.
  private async status(req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
    const taken = await this.limiter.checks.takeUpTo(this.ctx.clientAddress(req), 1);
    if (taken.granted === 0) return sendRateLimited(res, taken.retryAfterMs, 'Too many invite checks; try again shortly');
    const refused = inviteRefusal(await this.ctx.invites.status(code));
    if (refused !== undefined && !refused.ok) return sendError(res, refused.error.code, refused.error.message);
    sendJson(res, 200, { code, available: true } satisfies InviteStatus);
  }

  // Limited per address so nobody can walk the code space or mass-create accounts from one host.
  private async redeem(req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
    // A cross-site HTML form can post urlencoded, multipart or text/plain bodies without asking; application/json
    // from another origin needs a CORS preflight this server never grants. So only JSON, said so, may redeem. Checked
    // first: such a post cannot succeed, so it looks at no invite and spends none of the address's attempts.
    if (!isJson(req)) {
      return sendError(res, ErrorCode.InvalidPayload, 'The body must be sent as Content-Type: application/json', { status: 415 });
    }
    const taken = await this.limiter.redeems.takeUpTo(this.ctx.clientAddress(req), 1);
    if (taken.granted === 0) return sendRateLimited(res, taken.retryAfterMs, 'Too many attempts; try again shortly');
    const body = await readJson(req);
    if (body === undefined) return sendError(res, ErrorCode.InvalidJson, 'The body must be JSON');
    if (!redeemRequest.Check(body)) return sendError(res, ErrorCode.InvalidPayload, 'The body must be { "nickname": string, "device"?: string }');
    const result = await this.ctx.invites.redeem(code, body.nickname, deviceLabel(body.device, req.headers['user-agent']));
    if (!result.ok) return sendError(res, result.error.code, result.error.message);
    this.ctx.publisher.publish(result.value.change);
    this.ctx.log.info({ userId: result.value.user.id, nickname: result.value.user.nickname }, 'user joined');
    sendJson(res, 201, { user: result.value.user, token: result.value.token } satisfies RedeemInviteResponse);
  }
}

