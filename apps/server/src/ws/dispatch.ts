import { ErrorCode, serverEvent, type ClientEvent, type ClientEventOf } from '@hearth/protocol';
import { inviteUrl, type Context } from '../context.js';
import type { Created } from '../domain/conversations.js';
import type { Result } from '../domain/result.js';
import type { Connection } from './connection.js';

type Handler<T extends ClientEvent['type']> = (ctx: Context, conn: Connection, event: ClientEventOf<T>) => void;

/** Runs one validated request from an authenticated connection. */
export function dispatch(ctx: Context, conn: Connection, event: ClientEvent): void {
  switch (event.type) {
    case 'auth':
      return conn.fail(ErrorCode.AlreadyAuthenticated, 'This connection is already authenticated', event.id);
    case 'send_message':
      return onSendMessage(ctx, conn, event);
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
    default:
      return assertNever(event);
  }
}

// Only the check that needs no database answers here; valid sends are stored together at the end of the turn.
const onSendMessage: Handler<'send_message'> = (ctx, conn, event) => {
  const result = ctx.messages.check(conn.user!, event.payload);
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  ctx.sendQueue.add(result.value, conn, event.id);
};

const onCreateDm: Handler<'create_dm'> = (ctx, conn, event) => {
  announce(ctx, conn, event.id, ctx.conversations.openDm(conn.user!, event.payload.user_id));
};

const onCreateGroup: Handler<'create_group'> = (ctx, conn, event) => {
  announce(ctx, conn, event.id, ctx.conversations.createGroup(conn.user!, event.payload.user_ids));
};

/** Replies with the conversation and, if it is new, tells every member's other connections. */
function announce(ctx: Context, conn: Connection, id: string | undefined, result: Result<Created>): void {
  if (!result.ok) return conn.fail(result.error.code, result.error.message, id);
  const { conversation, created } = result.value;
  conn.reply('conversation_created', { conversation }, id);
  if (created) {
    const memberIds = conversation.members.map((m) => m.id);
    ctx.fanout.toUsers(memberIds, serverEvent('conversation_created', { conversation }), conn);
  }
}

const onLoadHistory: Handler<'load_history'> = (ctx, conn, event) => {
  const result = ctx.messages.history(conn.user!, event.payload);
  if (!result.ok) return conn.fail(result.error.code, result.error.message, event.id);
  conn.reply('history', { conversation_id: event.payload.conversation_id, ...result.value }, event.id);
};

const onCatchUp: Handler<'catch_up'> = (ctx, conn, event) => {
  conn.reply('caught_up', ctx.messages.catchUp(conn.user!, event.payload), event.id);
};

const onCreateInvite: Handler<'create_invite'> = (ctx, conn, event) => {
  const code = ctx.invites.create(conn.user!.id);
  conn.reply('invite_created', { code, url: inviteUrl(ctx, code) }, event.id);
};

function assertNever(value: never): never {
  throw new Error(`Unhandled event ${JSON.stringify(value)}`);
}
