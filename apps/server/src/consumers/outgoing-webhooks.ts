import { createHmac, randomUUID } from 'node:crypto';
import type { Message } from '@hearth/protocol';
import { cutToMessage } from '../domain/cut-text.js';
import type { Directory } from '../domain/directory.js';
import type { Logger } from '../log.js';
import { OutboundError } from '../outbound/errors.js';
import type { OutboundGuard } from '../outbound/guard.js';
import type { BotEndpoint } from '../store/bot-endpoints.js';
import type { Store } from '../store/store.js';
import type { Consumer } from './runner.js';

/** Changes read per batch. */
const BATCH = 100;
/** Tries after the first, each this many times longer apart than the last. */
const RETRIES = 3;
const GROWTH = 4;
/** The most of a bot's answer read: a reply is one message. */
const ANSWER_LIMIT = 64 * 1024;
const TIMEOUT_MS = 10_000;
/** How long the endpoints read are trusted: one set by another process is heard of within this. */
const ENDPOINTS_TTL_MS = 5_000;

export interface OutgoingNeeds {
  store: Store;
  directory: Directory;
  outbound: OutboundGuard;
  /** Posts a bot's answer as its reply to the message. */
  reply: (bot: number, to: Message, text: string, clientId: string) => Promise<void>;
  log: Logger;
  /** The wait before the first retry; later ones grow fourfold. */
  backoffMs: number;
}

/** The signature a receiver checks: HMAC-SHA256 with the bot's secret of `<timestamp>.<body>`, in hex. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Outgoing webhooks: each new message that mentions a bot with an endpoint, or reaches it in a DM, is posted to that
 * endpoint, signed, through the outbound guard, after the send has committed. A failure is tried again a few times
 * on timers (the consumer goes on meanwhile), then given up with a log line; an answer `{ text }` is the bot's reply.
 */
export function outgoingWebhooks(needs: OutgoingNeeds): Consumer & { forget(): void } {
  const { store, directory, outbound, reply, log, backoffMs } = needs;
  // Kept a few seconds, so that with no endpoint at all the consumer reads no messages: the send path's neighbour
  // costs nothing on a server without outgoing webhooks.
  let endpoints: BotEndpoint[] | undefined;
  let readAt = 0;
  const fresh = () => endpoints !== undefined && Date.now() - readAt < ENDPOINTS_TTL_MS;

  function told(message: Message, endpoints: readonly BotEndpoint[]): BotEndpoint[] {
    const conversation = directory.conversations.get(message.conversation_id);
    return endpoints.filter(
      (endpoint) =>
        endpoint.botId !== message.user_id &&
        directory.users.get(endpoint.botId)?.deactivated !== true &&
        (message.mentions?.includes(endpoint.botId) === true || (conversation?.type === 'dm' && conversation.members.has(endpoint.botId))),
    );
  }

  async function deliver(endpoint: BotEndpoint, message: Message, attempt: number): Promise<void> {
    const conversation = directory.conversations.get(message.conversation_id);
    const body = JSON.stringify({ bot_id: endpoint.botId, message, conversation: { id: message.conversation_id, type: conversation?.type } });
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const answer = await outbound.exchange(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hearth-timestamp': String(timestamp), 'x-hearth-signature': signature(endpoint.secret, timestamp, body) },
        body,
        limit: ANSWER_LIMIT,
        timeoutMs: TIMEOUT_MS,
      });
      if (answer.status < 200 || answer.status >= 300) throw new OutboundError('network', `answered ${answer.status}`);
      const text = answerText(answer.type, answer.body);
      if (text !== undefined) await reply(endpoint.botId, message, text, `webhook-${message.id}-${randomUUID().slice(0, 8)}`);
    } catch (error) {
      if (!(error instanceof OutboundError)) throw error;
      if (attempt > RETRIES) {
        log.warn({ botId: endpoint.botId, messageId: message.id, code: error.code, attempts: attempt }, 'a bot’s webhook failed every time; given up');
        return;
      }
      // On a timer, not awaited: the consumer goes on with later messages while this one waits to be tried again.
      setTimeout(() => void deliver(endpoint, message, attempt + 1).catch((e: unknown) => log.error({ err: e }, 'a bot’s webhook failed')), backoffMs * GROWTH ** (attempt - 1)).unref();
    }
  }

  return {
    name: 'outgoing-webhooks',
    batch: BATCH,
    messages: true,
    idle: () => fresh() && endpoints!.length === 0,
    // Only a mention or a message in a DM reaches a bot.
    relevant: ({ kind, message }) =>
      kind === 'message' && message !== undefined && ((message.mentions?.length ?? 0) > 0 || directory.conversations.get(message.conversation_id)?.type === 'dm'),
    async after(changes) {
      const sent = changes.flatMap(({ kind, message }) => (kind === 'message' && message !== undefined && message.event === undefined && message.deleted !== true ? [message] : []));
      if (sent.length === 0) return;
      if (!fresh()) {
        endpoints = await store.botEndpoints.all();
        readAt = Date.now();
      }
      const known = endpoints!;
      await Promise.all(sent.flatMap((message) => told(message, known).map((endpoint) => deliver(endpoint, message, 1))));
    },
    /** An endpoint was set or cleared here: read them again before the next batch. */
    forget() {
      endpoints = undefined;
    },
  };
}

/** The reply a bot's answer carries: `{ text }` or `{ content }` in JSON, not blank, cut to a message's length. */
function answerText(type: string, body: Buffer): string | undefined {
  if (type !== 'application/json') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { text, content } = parsed as { text?: unknown; content?: unknown };
  const said = cutToMessage(typeof text === 'string' ? text : typeof content === 'string' ? content : '');
  return said === '' ? undefined : said;
}
