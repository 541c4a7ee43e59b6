import type { IncomingMessage, ServerResponse } from 'node:http';
import { Compile } from 'typebox/compile';
import { randomUUID } from 'node:crypto';
import {
  API_BODY_MAX_BYTES,
  ApiEditMessage,
  ApiReaction,
  ApiSendMessage,
  ErrorCode,
  openApiDocument,
  parseClientEvent,
  type ClientEvent,
  type ClientPayload,
  type Message,
  type User,
  type Webhook,
} from '@hearth/protocol';
import { cutToMessage } from '../domain/cut-text.js';
import { hookText } from './hook-text.js';
import type { Changed, MessageChanges } from '../domain/message-changes.js';
import type { Conversations } from '../domain/conversations.js';
import type { Messages, Sent } from '../domain/messages.js';
import type { Result } from '../domain/result.js';
import type { Sessions } from '../domain/sessions.js';
import { costOf } from '../ws/cost.js';
import type { Publisher } from '../ws/publisher.js';
import type { SendOrigin } from '../ws/handlers/messages.js';
import type { UserLimit, UserLimits } from '../rate-limit.js';
import { isJson } from './body.js';
import { bearerUser } from './bearer.js';
import { sendError, sendJson, sendRateLimited } from './respond.js';

export interface ApiNeeds {
  sessions: Sessions;
  /** Incoming webhooks by their token, and the bots they post as. */
  webhooks: { byToken(token: string): Promise<Webhook | undefined>; user(id: number): User | undefined };
  conversations: Conversations;
  messages: Messages<SendOrigin>;
  changes: MessageChanges;
  publisher: Publisher;
  limits: UserLimits;
  version: string;
}

const ROUTES: [method: string, pattern: RegExp, name: keyof RouteHandlers][] = [
  ['GET', /^\/api\/conversations$/, 'conversations'],
  ['GET', /^\/api\/conversations\/(\d{1,15})\/messages$/, 'history'],
  ['POST', /^\/api\/conversations\/(\d{1,15})\/messages$/, 'send'],
  ['PATCH', /^\/api\/messages\/(\d{1,15})$/, 'edit'],
  ['DELETE', /^\/api\/messages\/(\d{1,15})$/, 'remove'],
  ['POST', /^\/api\/messages\/(\d{1,15})\/reactions$/, 'react'],
];

/** An incoming webhook's URL: its token is its only sign-in. */
const HOOK_ROUTE = /^\/api\/hooks\/([A-Za-z0-9_-]{16,128})$/;
/** Bytes of a webhook's body: a GitHub push of many commits runs to hundreds of KiB. */
const HOOK_BODY_MAX_BYTES = 1024 * 1024;
/** What a `client_id` made from a sender's delivery id may hold. */
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,40}$/;

const checks = { send: Compile(ApiSendMessage), edit: Compile(ApiEditMessage), react: Compile(ApiReaction) };

/** A body that cannot be used, told by its code. */
class BadBody extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (user: User, id: number, req: IncomingMessage, res: ServerResponse) => Promise<void>;
type RouteHandlers = Record<'conversations' | 'history' | 'send' | 'edit' | 'remove' | 'react', Handler>;

/**
 * The HTTP API (protocol's api.ts): the WebSocket's requests for a script or a bot that speaks only HTTP, signed in by
 * a device's or bot's token as `Authorization: Bearer`. Each request is paid for from the same per-user allowances as
 * its WebSocket twin, before its work, and does that work through the same domain operations, whose changes the
 * publisher tells everyone as it does theirs.
 */
export class ApiRoutes {
  private readonly document: string;
  private readonly routes: RouteHandlers;

  constructor(private readonly ctx: ApiNeeds) {
    this.document = JSON.stringify(openApiDocument(ctx.version));
    this.routes = {
      conversations: async (user, _, __, res) => sendJson(res, 200, { conversations: ctx.conversations.listFor(user.id) }),
      history: (user, id, req, res) => this.history(user, id, req, res),
      send: (user, id, req, res) => this.send(user, id, req, res),
      edit: async (user, id, req, res) => {
        const { content } = asRequest('edit_message', { message_id: id, ...(await readBody(req, checks.edit)) });
        await this.change(user, res, () => ctx.changes.edit(user, id, content));
      },
      remove: (user, id, _, res) => this.change(user, res, () => ctx.changes.delete(user, id)),
      react: async (user, id, req, res) => {
        const { emoji } = asRequest('add_reaction', { message_id: id, ...(await readBody(req, checks.react)) });
        await this.change(user, res, () => ctx.changes.react(user, id, emoji));
      },
    };
  }

  /** Whether the path is the API's; answers it if so. */
  handles(path: string): boolean {
    return path === '/api/openapi.json' || HOOK_ROUTE.test(path) || ROUTES.some(([, pattern]) => pattern.test(path));
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/api/openapi.json') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache', 'Access-Control-Allow-Origin': '*' });
      return void res.end(this.document);
    }
    const hook = HOOK_ROUTE.exec(path);
    if (hook !== null) return this.answering(req, res, () => this.hook(req, res, hook[1]!));
    const matching = ROUTES.filter(([, pattern]) => pattern.test(path));
    const route = matching.find(([method]) => method === req.method);
    if (route === undefined) return void res.writeHead(405, { Allow: matching.map(([method]) => method).join(', ') }).end();
    const user = await this.signedIn(req, res);
    if (user === undefined) return;
    const id = Number(route[1].exec(path)![1] ?? 0);
    await this.answering(req, res, () => this.routes[route[2]](user, id, req, res));
  }

  /** Runs a route, answering a body it could not use with that body's error. */
  private async answering(req: IncomingMessage, res: ServerResponse, route: () => Promise<void>): Promise<void> {
    try {
      await route();
    } catch (error) {
      if (!(error instanceof BadBody)) throw error;
      res.setHeader('Connection', 'close');
      sendError(res, error.code, error.message);
      if (!req.readableEnded) req.resume();
    }
  }

  /** An incoming webhook: its body, told as text, posted as its bot into its conversation. */
  private async hook(req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
    if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST' }).end();
    const webhook = await this.ctx.webhooks.byToken(token);
    if (webhook === undefined) return sendError(res, ErrorCode.WebhookNotFound, 'No such webhook: it may have been deleted');
    const bot = this.ctx.webhooks.user(webhook.bot_id);
    if (bot === undefined || bot.deactivated === true) return sendError(res, ErrorCode.AccountDeactivated, 'This webhook’s bot was deleted');
    const told = hookText(await readBody(req, { Check: (value: unknown): value is unknown => true }, HOOK_BODY_MAX_BYTES), req.headers);
    if (told === 'invalid') throw new BadBody(ErrorCode.InvalidPayload, 'Send { "text": "…" }, or a GitHub push or issues event');
    if (told === 'ping') return sendJson(res, 200, { ok: true });
    if (told === 'ignored') return sendJson(res, 202, { ignored: true });
    const delivery = req.headers['x-github-delivery'] ?? req.headers['idempotency-key'];
    const key = typeof delivery === 'string' && DELIVERY_ID.test(delivery) ? delivery : randomUUID();
    const input = asRequest('send_message', { conversation_id: webhook.conversation_id, content: cutToMessage(told.text), client_id: `hook-${webhook.id}-${key}` });
    await this.store(bot, input, res, (message, fresh) => sendJson(res, fresh ? 201 : 200, { message_id: message.id }));
  }

  private async history(user: User, conversationId: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const asked: Record<string, unknown> = { conversation_id: conversationId };
    for (const name of ['before', 'limit']) {
      const text = query.get(name);
      // A number that is not a whole one stays text, and so is refused as the request's shape.
      if (text !== null) asked[name] = /^\d{1,16}$/.test(text) ? Number(text) : text;
    }
    const payload = asRequest('load_history', asked);
    if (!(await this.paid(this.ctx.limits.reads, user, res, costOf({ type: 'load_history', payload }, 0)))) return;
    const result = await this.ctx.messages.history(user, payload);
    if (!result.ok) return sendError(res, result.error.code, result.error.message);
    sendJson(res, 200, { conversation_id: conversationId, ...result.value });
  }

  private async send(user: User, conversationId: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, checks.send);
    const input = asRequest('send_message', { ...body, conversation_id: conversationId, client_id: body.client_id ?? randomUUID() });
    await this.store(user, input, res, (message, fresh) => sendJson(res, fresh ? 201 : 200, message));
  }

  /**
   * Stores a send with everyone else's of the moment, paid for from the sender's allowance first, and answers it:
   * `fresh` is false for a retry that found the message stored the first time, which is not stored again.
   */
  private async store(user: User, input: ClientPayload<'send_message'>, res: ServerResponse, answer: (message: Message, fresh: boolean) => void): Promise<void> {
    if (!(await this.paid(this.ctx.limits.sends, user, res))) return;
    let answered!: (sent: Sent) => void;
    const outcome = new Promise<Sent>((resolve) => (answered = resolve));
    const queued = this.ctx.messages.send(user, input, { respond: answered });
    if (!queued.ok) return sendError(res, queued.error.code, queued.error.message);
    const sent = await outcome;
    if (!sent.ok) return sendError(res, sent.error.code, sent.error.message);
    answer(sent.message, sent.change !== undefined);
  }

  /** A change to a message, paid for as a send is, told to everyone and answered with the message as it now is. */
  private async change(user: User, res: ServerResponse, act: () => Promise<Result<Changed>>): Promise<void> {
    if (!(await this.paid(this.ctx.limits.sends, user, res))) return;
    const result = await act();
    if (!result.ok) return sendError(res, result.error.code, result.error.message);
    if (result.value.change !== undefined) this.ctx.publisher.publish(result.value.change);
    sendJson(res, 200, result.value.message);
  }

  /** Takes a request's price from the user's allowance; false once refused with 429. */
  private async paid(limit: UserLimit, user: User, res: ServerResponse, cost = 1): Promise<boolean> {
    const taken = await limit.takeAll(user.id, cost);
    if (taken.granted > 0) return true;
    sendRateLimited(res, taken.retryAfterMs, 'Too many requests; try again shortly');
    return false;
  }

  /** The user whose token the request carries, or undefined once refused with 401. */
  private signedIn(req: IncomingMessage, res: ServerResponse): Promise<User | undefined> {
    return bearerUser(req, res, this.ctx.sessions);
  }
}

/**
 * A request as its WebSocket twin would be, checked by the protocol as that one is (shape, Unicode text, content not
 * blank, one emoji, and so on): one set of rules for both ways in. BadBody when it breaks one.
 */
function asRequest<T extends ClientEvent['type']>(type: T, payload: Record<string, unknown>): ClientPayload<T> {
  const parsed = parseClientEvent(JSON.stringify({ type, payload }));
  if (!parsed.ok) throw new BadBody(parsed.error.code as ErrorCode, parsed.error.message.replace('/payload/', ''));
  return parsed.event.payload as ClientPayload<T>;
}

/** A JSON body checked against its schema; BadBody for one too large, not JSON, or not of the shape. */
async function readBody<T>(req: IncomingMessage, check: { Check(value: unknown): value is T }, max = API_BODY_MAX_BYTES): Promise<T> {
  if (!isJson(req)) throw new BadBody(ErrorCode.InvalidJson, 'Send a JSON body, with Content-Type: application/json');
  const raw = Number(req.headers['content-length'] ?? 0) > max ? 'too_large' : await readUpTo(req, max);
  if (raw === 'too_large') throw new BadBody(ErrorCode.BodyTooLarge, `A body may be at most ${max} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadBody(ErrorCode.InvalidJson, 'The body is not valid JSON');
  }
  if (!check.Check(body)) throw new BadBody(ErrorCode.InvalidPayload, 'The body does not have the shape this request takes: see /api/openapi.json');
  return body;
}

/**
 * The body, or `too_large` as soon as it passes `max` bytes: then the rest is left unread, so the refusal can be
 * answered (and the connection closed) rather than the socket torn down under it.
 */
function readUpTo(req: IncomingMessage, max: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const data = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off('data', data).off('end', end);
      req.pause();
      resolve('too_large');
    };
    const end = () => resolve(Buffer.concat(chunks));
    req.on('data', data).on('end', end).once('error', reject);
  });
}
