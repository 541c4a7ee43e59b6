import { ErrorCode, type ClientEvent, type ClientEventOf, type InvitePolicy, type ServerPayload } from '@hearth/protocol';
import { inviteUrl, type Context } from '../context.js';
import { changeAccount, onCreateSignInLink, onListMembers, onRevokeOtherSessions, onRevokeSession, replyInvites, replySessions } from './accounts.js';
import type { Opened } from '../domain/conversations.js';
import { changeGroup } from './groups.js';
import type { StateChanged } from '../domain/member-states.js';
import type { Changed } from '../domain/message-changes.js';
import type { Refusal, Result } from '../domain/result.js';
import type { UserLimit } from '../rate-limit.js';
import type { InviteRow } from '../store/store.js';
import type { Connection } from './connection.js';
import type { QueuedSend } from './send-queue.js';

export type Handler<T extends ClientEvent['type']> = (ctx: Context, conn: Connection, event: ClientEventOf<T>) => Promise<void> | void;

/** Runs one validated request from an authenticated connection. */
export function dispatch(ctx: Context, conn: Connection, event: ClientEvent): Promise<void> | void {
  switch (event.type) {
    case 'auth':
      return conn.fail(ErrorCode.AlreadyAuthenticated, 'This connection is already authenticated', event.id);
    case 'send_message':
      return dispatchSends(ctx, conn, [event]);
    case 'edit_message':
      return changeMessage(ctx, conn, event.id, () => ctx.messageChanges.edit(conn.user!, event.payload.message_id, event.payload.content));
    case 'delete_message':
      return changeMessage(ctx, conn, event.id, () => ctx.messageChanges.delete(conn.user!, event.payload.message_id));
    case 'add_reaction':
      return changeMessage(ctx, conn, event.id, () => ctx.messageChanges.react(conn.user!, event.payload.message_id, event.payload.emoji));
    case 'remove_reaction':
      return changeMessage(ctx, conn, event.id, () => ctx.messageChanges.unreact(conn.user!, event.payload.message_id, event.payload.emoji));
    case 'create_dm':
      return onCreateDm(ctx, conn, event);
    case 'create_group':
      return onCreateGroup(ctx, conn, event);
    case 'load_history':
      return onLoadHistory(ctx, conn, event);
    case 'catch_up':
      return onCatchUp(ctx, conn, event);
    case 'create_invite':
      return onCreateInvite(ctx, conn, event);
    case 'ping':
      return conn.reply('pong', {}, event.id);
    case 'typing':
      return onTyping(ctx, conn, event);
    case 'mark_read':
      return changeMemberState(ctx, conn, event.id, () => ctx.memberStates.markRead(conn.user!, event.payload.conversation_id, event.payload.message_id));
    case 'set_nickname':
      return onSetNickname(ctx, conn, event);
    case 'subscribe_push':
      return onSubscribePush(ctx, conn, event);
    case 'unsubscribe_push':
      return onUnsubscribePush(ctx, conn, event);
    case 'set_notify':
      return changeMemberState(ctx, conn, event.id, () => ctx.memberStates.setNotify(conn.user!, event.payload.conversation_id, event.payload.notify));
    case 'search':
      return onSearch(ctx, conn, event);
    case 'list_sessions':
      return replySessions(ctx, conn, event.id);
    case 'revoke_session':
      return onRevokeSession(ctx, conn, event);
    case 'revoke_other_sessions':
      return onRevokeOtherSessions(ctx, conn, event);
    case 'create_sign_in_link':
      return onCreateSignInLink(ctx, conn, event);
    case 'list_members':
      return onListMembers(ctx, conn, event);
    case 'set_role':
      return changeAccount(ctx, conn, event.id, () => ctx.admin.setRole(conn.user!, event.payload.user_id, event.payload.role));
    case 'deactivate_user':
      return changeAccount(ctx, conn, event.id, () => ctx.admin.deactivate(conn.user!, event.payload.user_id));
    case 'reactivate_user':
      return changeAccount(ctx, conn, event.id, () => ctx.admin.reactivate(conn.user!, event.payload.user_id));
    case 'list_invites':
      return replyInvites(ctx, conn, event.id, () => ctx.invites.list(conn.user!));
    case 'revoke_invite':
      return replyInvites(ctx, conn, event.id, () => ctx.invites.revoke(conn.user!, event.payload.code));
    case 'set_invite_policy':
      return replyInvites(ctx, conn, event.id, () => setInvitePolicy(ctx, conn, event.payload.policy));
    case 'rename_group':
      return changeGroup(ctx, conn, event.id, () => ctx.groups.rename(conn.user!, event.payload.conversation_id, event.payload.title));
    case 'add_members':
      return changeGroup(ctx, conn, event.id, () => ctx.groups.add(conn.user!, event.payload.conversation_id, event.payload.user_ids));
    case 'remove_member':
      return changeGroup(ctx, conn, event.id, () => ctx.groups.remove(conn.user!, event.payload.conversation_id, event.payload.user_id));
    case 'leave_conversation':
      return changeGroup(ctx, conn, event.id, () => ctx.groups.leave(conn.user!, event.payload.conversation_id));
    default:
      return assertNever(event);
  }
}

/**
 * Sends that arrived back to back on one connection. A refusal needs only the in-memory directory; what passes is
 * stored with everyone else's sends of this turn, and every reply still leaves in the order the sends came.
 */
export function dispatchSends(ctx: Context, conn: Connection, events: ClientEventOf<'send_message'>[], paid = 0): Promise<void> {
  // One request for the whole run of sends: when the buckets are shared between processes, each take is a round trip.
  const taken = paid < events.length ? ctx.userLimits.sends.takeUpTo(conn.user!.id, events.length - paid) : { granted: 0, retryAfterMs: 0 };
  if (taken instanceof Promise) return taken.then((t) => checkSends(ctx, conn, events, paid + t.granted, t.retryAfterMs));
  return checkSends(ctx, conn, events, paid + taken.granted, taken.retryAfterMs);
}

/** The first `allowed` sends have their tokens; the one after them is refused as too fast. */
function checkSends(ctx: Context, conn: Connection, events: ClientEventOf<'send_message'>[], allowed: number, retryAfterMs: number): Promise<void> {
  const valid: QueuedSend[] = [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const result = i < allowed ? ctx.messages.check(conn.user!, event.payload) : tooFast(retryAfterMs);
    if (result.ok) valid.push({ send: result.value, conn, requestId: event.id });
    // Tokens already taken for the sends after a refused one pay for them when they are dispatched again.
    else return refuseAfter(ctx, conn, valid, event, result.error, events.slice(i + 1), Math.max(0, allowed - i - 1));
  }
  return ctx.sendQueue.submit(valid);
}

/** A refused send is answered once the sends before it are, then the rest go on. */
async function refuseAfter(
  ctx: Context,
  conn: Connection,
  before: QueuedSend[],
  refused: ClientEventOf<'send_message'>,
  error: Refusal & { retryAfterMs?: number },
  rest: ClientEventOf<'send_message'>[],
  paid: number,
): Promise<void> {
  if (before.length > 0) await ctx.sendQueue.submit(before);
  conn.fail(error.code, error.message, refused.id, error.retryAfterMs === undefined ? undefined : { retry_after_ms: error.retryAfterMs });
  if (rest.length > 0) await dispatchSends(ctx, conn, rest, paid);
}

/**
 * An edit, deletion or reaction: counted against the user's send limit, published to the conversation's members
 * with the requester hearing it as the reply, or only replied when it changed nothing.
 */
async function changeMessage(ctx: Context, conn: Connection, id: string | undefined, act: () => Promise<Result<Changed>>): Promise<void> {
  const limited = await limitedBy(ctx.userLimits.sends, conn.user!.id);
  if (limited !== undefined) return conn.fail(limited.error.code, limited.error.message, id, { retry_after_ms: limited.error.retryAfterMs });
  const result = await act();
  if (!result.ok) return conn.fail(result.error.code, result.error.message, id);
  const { message, change } = result.value;
  if (change === undefined) conn.reply('message_updated', { message }, id);
  else ctx.publisher.publish(change, { conn, requestId: id });
}

/**
 * A read marker or notify level: published to the user's own connections, the requester hearing it as the reply, or
 * only replied when it changed nothing. Marking is frequent but cheap, so it has the connection's limit alone.
 */
async function changeMemberState(ctx: Context, conn: Connection, id: string | undefined, act: () => Promise<Result<StateChanged>>): Promise<void> {
  const result = await act();
  if (!result.ok) return conn.fail(result.error.code, result.error.message, id);
  const { state, change } = result.value;
  if (change === undefined) conn.reply('member_state_updated', { state }, id);
  else ctx.publisher.publish(change, { conn, requestId: id });
}

/** Everyone hears the new name, the requester as the reply; an unchanged one is only replied. */
const onSetNickname: Handler<'set_nickname'> = async (ctx, conn, event) => {
  // Renames share the invite allowance: both are rare acts on the account, and each tells everyone.
  const limited = await limitedBy(ctx.userLimits.invites, conn.user!.id);
  if (limited !== undefined) return conn.fail(limited.error.code, limited.error.message, event.id, { retry_after_ms: limited.error.retryAfterMs });
  const result = await ctx.users.rename(conn.user!, event.payload.nickname);
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  const { user, change } = result.value;
  if (change === undefined) conn.reply('user_updated', { user }, event.id);
  else ctx.publisher.publish(change, { conn, requestId: event.id });
};

/** The policy is kept in memory by every process: the others read it again, and each tells its own connections. */
async function setInvitePolicy(ctx: Context, conn: Connection, policy: InvitePolicy): Promise<Result<InviteRow[]>> {
  const before = ctx.invites.policy;
  const result = await ctx.invites.setPolicy(conn.user!, policy);
  if (!result.ok || policy === before) return result;
  ctx.bus.signal({ type: 'reload', what: 'invite_policy' });
  ctx.publisher.invitePolicyHere(policy);
  return result;
}

// Who has a push subscription is kept in memory by every process, and the process that stores a message pushes it.
const onSubscribePush: Handler<'subscribe_push'> = async (ctx, conn, event) => {
  const result = await ctx.push.subscribe(conn.user!, event.payload);
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  ctx.bus.signal({ type: 'reload', what: 'push_subscriptions', user_id: conn.user!.id });
  conn.reply('push_updated', { endpoint: event.payload.endpoint, subscribed: true }, event.id);
};

const onUnsubscribePush: Handler<'unsubscribe_push'> = async (ctx, conn, event) => {
  await ctx.push.unsubscribe(conn.user!, event.payload.endpoint);
  ctx.bus.signal({ type: 'reload', what: 'push_subscriptions', user_id: conn.user!.id });
  conn.reply('push_updated', { endpoint: event.payload.endpoint, subscribed: false }, event.id);
};

/** Passed on to the conversation's other members online, at most once an interval; nothing is stored. */
const onTyping: Handler<'typing'> = (ctx, conn, event) => {
  const { conversation_id } = event.payload;
  if (!ctx.directory.isMember(conn.user!.id, conversation_id)) {
    return conn.fail(ErrorCode.ConversationNotFound, 'No such conversation', event.id);
  }
  if (ctx.typing.allow(conn.user!.id, conversation_id)) ctx.publisher.typing(conversation_id, conn.user!.id);
};

const onCreateDm: Handler<'create_dm'> = async (ctx, conn, event) => {
  announce(ctx, conn, event.id, await ctx.conversations.openDm(conn.user!, event.payload.user_id));
};

const onCreateGroup: Handler<'create_group'> = async (ctx, conn, event) => {
  announce(ctx, conn, event.id, await ctx.conversations.createGroup(conn.user!, event.payload.user_ids));
};

/** A new conversation is published to its members, the requester hearing it as the reply; an existing DM is only replied. */
function announce(ctx: Context, conn: Connection, id: string | undefined, result: Result<Opened>): void {
  if (!result.ok) return conn.fail(result.error.code, result.error.message, id);
  const { conversation, change } = result.value;
  if (change === undefined) conn.reply('conversation_created', { conversation }, id);
  else ctx.publisher.publish(change, { conn, requestId: id });
}

const onLoadHistory: Handler<'load_history'> = async (ctx, conn, event) => {
  const result = await ctx.messages.history(conn.user!, event.payload);
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  conn.reply('history', { conversation_id: event.payload.conversation_id, ...result.value }, event.id);
};

const onCatchUp: Handler<'catch_up'> = async (ctx, conn, event) => {
  // A client that moved from another process may hold a cursor a moment ahead of this one's.
  if (event.payload.after > ctx.publisher.cursor) await ctx.publisher.reached(event.payload.after);
  const result = await ctx.feed.catchUp(conn.user!, event.payload);
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  conn.reply('caught_up', result.value, event.id);
};

/** Counted against the user's search budget before anything is read. */
const onSearch: Handler<'search'> = async (ctx, conn, event) => {
  const limited = await limitedBy(ctx.userLimits.searches, conn.user!.id);
  if (limited !== undefined) return conn.fail(limited.error.code, limited.error.message, event.id, { retry_after_ms: limited.error.retryAfterMs });
  const result = await ctx.search.find(conn.user!, event.payload);
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  conn.reply('search_results', result.value, event.id);
};

const onCreateInvite: Handler<'create_invite'> = async (ctx, conn, event) => {
  const limited = await limitedBy(ctx.userLimits.invites, conn.user!.id);
  if (limited !== undefined) return conn.fail(limited.error.code, limited.error.message, event.id, { retry_after_ms: limited.error.retryAfterMs });
  const result = await ctx.invites.createFor(conn.user!, event.payload);
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  const { code, expiresAt, maxUses } = result.value;
  const created: ServerPayload<'invite_created'> = { code, url: inviteUrl(ctx, code) };
  if (expiresAt !== null) created.expires_at = expiresAt;
  if (maxUses !== null) created.max_uses = maxUses;
  conn.reply('invite_created', created, event.id);
};

type Limited = { ok: false; error: Refusal & { retryAfterMs: number } };

/** A refusal when the user has used up a limit that holds across all their connections (on every process). */
export function limitedBy(limit: UserLimit, userId: number): Limited | undefined | Promise<Limited | undefined> {
  const taken = limit.takeUpTo(userId, 1);
  if (taken instanceof Promise) return taken.then((t) => (t.granted === 1 ? undefined : tooFast(t.retryAfterMs)));
  return taken.granted === 1 ? undefined : tooFast(taken.retryAfterMs);
}

function tooFast(retryAfterMs: number): Limited {
  return { ok: false, error: { code: ErrorCode.RateLimited, message: 'Too many requests from this user; slow down', retryAfterMs } };
}

function assertNever(value: never): never {
  throw new Error(`Unhandled event ${JSON.stringify(value)}`);
}
