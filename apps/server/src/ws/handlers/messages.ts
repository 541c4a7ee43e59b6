import { ErrorCode, type ClientEventOf } from '@hearth/protocol';
import type { Changed, MessageChanges } from '../../domain/message-changes.js';
import type { Messages, SendOutcomes, Sent } from '../../domain/messages.js';
import type { Result } from '../../domain/result.js';
import type { Logger } from '../../log.js';
import type { UserLimits } from '../../rate-limit.js';
import type { Connection } from '../connection.js';
import { costOf } from '../cost.js';
import type { Origin, Publisher } from '../publisher.js';
import { publishOrReply, refused, TOO_FAST, within, type Handlers } from './handler.js';

type Send = ClientEventOf<'send_message'>;

/**
 * A stored send is published, the sender hearing it as the reply; a retry of one stored before is only replied
 * (it was published when first stored); one refused after its checks is answered with why.
 */
/** Where a send came from: a WebSocket request, or an HTTP one (http/api.ts) that hears its outcome itself. */
export type SendOrigin = Origin | { respond(sent: Sent): void };

export function answerSends(publisher: Publisher, log: Logger): SendOutcomes<SendOrigin> {
  return (sent, { actor, input, origin }) => {
    if ('respond' in origin) {
      if (sent.ok && sent.change !== undefined) publisher.publish(sent.change, undefined, sent.committedAt);
      if (!sent.ok && sent.cause !== undefined) log.error({ err: sent.cause, userId: actor.id }, 'storing messages failed');
      return origin.respond(sent);
    }
    const { conn, requestId } = origin;
    if (sent.ok) return publishOrReply(publisher, conn, requestId, sent.change, () => conn.reply('message', sent.message, requestId), sent.committedAt);
    const { code, message } = sent.error;
    if (sent.cause !== undefined) log.error({ err: sent.cause, userId: actor.id }, 'storing messages failed');
    else log.warn({ userId: actor.id, conversationId: input.conversation_id, code }, 'a message could not be stored');
    conn.fail(code, message, requestId);
  };
}

/**
 * Sends that arrived back to back on one connection. A refusal is answered once the sends before it are, so every
 * reply leaves in the order the sends came; what passes is stored with everyone else's sends of this turn.
 */
export function sendRuns(messages: Messages<SendOrigin>, limits: UserLimits) {
  return sends;

  function sends(conn: Connection, events: Send[], paid = 0): Promise<void> {
    // One request for the whole run: when the buckets are shared between processes, each take is a round trip.
    const taken = paid < events.length ? limits.sends.takeUpTo(conn.user!.id, events.length - paid) : { granted: 0, retryAfterMs: 0 };
    if (taken instanceof Promise) return taken.then((t) => queue(conn, events, paid + t.granted, t.retryAfterMs));
    return queue(conn, events, paid + taken.granted, taken.retryAfterMs);
  }

  /** The first `allowed` sends have their tokens; the one after them is refused as too fast. */
  async function queue(conn: Connection, events: Send[], allowed: number, retryAfterMs: number): Promise<void> {
    const queued: Promise<void>[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const result = i < allowed ? messages.send(conn.user!, event.payload, { conn, requestId: event.id }) : undefined;
      if (result?.ok === true) {
        queued.push(result.value);
        continue;
      }
      await Promise.all(queued);
      if (result === undefined) conn.fail(ErrorCode.RateLimited, TOO_FAST, event.id, { retry_after_ms: retryAfterMs });
      else refused(conn, result, event.id);
      // Tokens already taken for the sends after a refused one pay for them when they are queued again.
      const rest = events.slice(i + 1);
      if (rest.length > 0) await sends(conn, rest, Math.max(0, allowed - i - 1));
      return;
    }
    await Promise.all(queued);
  }
}

/**
 * Edits, deletions and reactions: counted against the user's send limit, published to the conversation's members
 * with the requester hearing it as the reply, or only replied when it changed nothing. And history pages.
 */
export function messageHandlers(
  messages: Messages<SendOrigin>,
  changes: MessageChanges,
  publisher: Publisher,
  limits: UserLimits,
): Handlers<'edit_message' | 'delete_message' | 'remove_preview' | 'add_reaction' | 'remove_reaction' | 'load_history'> {
  async function change(conn: Connection, id: string | undefined, act: () => Promise<Result<Changed>>): Promise<void> {
    if (!(await within(limits.sends, conn, id))) return;
    const result = await act();
    if (refused(conn, result, id)) return;
    const { message, change } = result.value;
    publishOrReply(publisher, conn, id, change, () => conn.reply('message_updated', { message }, id));
  }
  return {
    edit_message: (conn, { id, payload }) => change(conn, id, () => changes.edit(conn.user!, payload.message_id, payload.content)),
    delete_message: (conn, { id, payload }) => change(conn, id, () => changes.delete(conn.user!, payload.message_id)),
    remove_preview: (conn, { id, payload }) => change(conn, id, () => changes.removePreview(conn.user!, payload.message_id)),
    add_reaction: (conn, { id, payload }) => change(conn, id, () => changes.react(conn.user!, payload.message_id, payload.emoji)),
    remove_reaction: (conn, { id, payload }) => change(conn, id, () => changes.unreact(conn.user!, payload.message_id, payload.emoji)),
    // Paid for by its size from the user's reads before anything is read.
    load_history: async (conn, event) => {
      const { id, payload } = event;
      if (!(await within(limits.reads, conn, id, costOf(event, publisher.cursor)))) return;
      const result = await messages.history(conn.user!, payload);
      if (!refused(conn, result, id)) conn.reply('history', { conversation_id: payload.conversation_id, ...result.value }, id);
    },
  };
}
