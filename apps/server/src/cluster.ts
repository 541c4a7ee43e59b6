import { CHANGE_EVENT_TYPES, CHANGE_KINDS } from '@hearth/protocol';
import type { Bus, Signal } from './bus/bus.js';
import { OrderedChanges, type Pending } from './bus/ordered-changes.js';
import type { RecentChanges } from './consumers/recent.js';
import type { Change } from './domain/changes.js';
import type { Directory } from './domain/directory.js';
import type { Invites } from './domain/invites.js';
import { describeLogged } from './domain/logged.js';
import type { Logger } from './log.js';
import { busReadFromLog } from './metrics.js';
import type { PushSubscriptions } from './push/subscriptions.js';
import type { ChangeKind, Store } from './store/store.js';
import { closeHere } from './ws/closing.js';
import type { Presence } from './ws/presence.js';
import type { Origin, Publisher } from './ws/publisher.js';
import type { TypingNotices } from './ws/typing.js';

/** Changes read from the log per query when a gap is filled. */
const GAP_PAGE = 500;
/**
 * How long a catch-up whose cursor is ahead of this process waits for the bus to bring it level: a client that
 * moved here from a process that was a moment ahead is not told to reload for it.
 */
const CATCH_UP_WAIT_MS = 2_000;
/** Changes about someone or some conversation: the log names it, and the directory is read again to tell it whole. */
const DIRECTORY_KINDS = new Set<ChangeKind>(CHANGE_EVENT_TYPES.filter((kind) => CHANGE_KINDS[kind] === 'user' || CHANGE_KINDS[kind] === 'conversation'));

/** What joining the others needs: where changes go out, what is kept in memory, and the store to fill gaps from. */
export interface ClusterNeeds {
  bus: Bus;
  store: Store;
  publisher: Publisher;
  presence: Presence;
  directory: Directory;
  invites: Invites;
  push: PushSubscriptions;
  typing: TypingNotices;
  recent: RecentChanges;
  log: Logger;
  heartbeatMs: number;
}

/** What shutting down needs of the cluster. */
export interface Membership {
  /** Delivers what waits for a gap at once. */
  settle(): Promise<void>;
  stop(): void;
}

/**
 * Joins this process to the others on the bus: what it commits goes to them, what they commit comes in, and both
 * reach this process's sockets through the publisher in seq order; their typing, closings, presence and reloads
 * of what is kept in memory take effect here.
 */
export async function joinCluster(ctx: ClusterNeeds): Promise<Membership> {
  const { bus, store, publisher, presence, directory, log } = ctx;
  const order = new OrderedChanges<Origin>(
    publisher.cursor,
    {
      deliver: (pending) => {
        publisher.deliver(pending.change, pending.json, pending.origin, pending.committedAt);
        // Someone may have come online elsewhere before this process knew of them.
        if (pending.change.type === 'user_joined' && presence.isOnline(pending.change.payload.user.id)) publisher.news.changed(pending.change.payload.user);
      },
      answer: (pending) => publisher.answer(pending.json, pending.origin!),
      read: (after, upTo) => readGap(ctx, after, upTo),
    },
    log,
  );
  publisher.cluster = {
    committed(change, json, origin, committedAt) {
      // Told to the others first: delivering here may wait for a gap, and they need not wait for it.
      bus.publishChange(json);
      order.offer({ change, json, origin, committedAt });
    },
    typing: (conversationId, userId) => bus.signal({ type: 'typing', conversation_id: conversationId, user_id: userId }),
    reached: (seq) => order.reached(seq, CATCH_UP_WAIT_MS),
  };
  presence.elsewhere = bus.elsewhere;
  await bus.listen({
    change: (json) => order.offer({ change: JSON.parse(json) as Change, json }),
    signal: (signal) => void obey(ctx, signal),
    presence: (userId) => {
      const user = directory.users.get(userId);
      if (user !== undefined) publisher.news.changed(user);
    },
  });
  // Those online elsewhere are who this process's first sign-ins are told of; nobody is connected here to hear it.
  for (const userId of bus.elsewhere.users()) {
    const user = directory.users.get(userId);
    if (user !== undefined) publisher.news.changed(user);
  }
  publisher.news.flush();
  let lastCursor = -1;
  const probe = setInterval(() => {
    const quiet = order.cursor === lastCursor && !order.waiting;
    lastCursor = order.cursor;
    if (quiet) void lookForMissed(ctx, order);
  }, ctx.heartbeatMs).unref();
  return {
    settle: () => order.settle(),
    stop: () => {
      clearInterval(probe);
      order.stop();
    },
  };
}

/**
 * A gap shows when a later change arrives; changes the bus lost while nothing else happens would wait for the next
 * one. So a process that delivered nothing for a heartbeat asks the log whether it holds anything newer: what was
 * committed before this process subscribed, or while its connection to Redis was down.
 */
async function lookForMissed(ctx: ClusterNeeds, order: OrderedChanges<Origin>): Promise<void> {
  const { store } = ctx;
  const cursor = order.cursor;
  try {
    if ((await store.log.changesBetween(cursor, Number.MAX_SAFE_INTEGER, 1)).length === 0) return;
    const found = await readGap(ctx, order.cursor, Number.MAX_SAFE_INTEGER);
    ctx.log.warn({ after: cursor, found: found.length }, 'changes the bus did not bring were read from the log');
    for (const pending of found) order.offer(pending);
  } catch (error) {
    ctx.log.error({ err: error }, 'looking for changes the bus did not bring failed');
  }
}

/** Does here what another process asked of every process. */
async function obey(ctx: ClusterNeeds, signal: Signal): Promise<void> {
  try {
    switch (signal.type) {
      case 'typing':
        // Counted against this process's throttle too: someone typing on devices connected to two processes is
        // passed on once an interval, not once per process.
        if (!ctx.typing.allow(signal.user_id, signal.conversation_id)) return;
        // A conversation this process has not heard of yet has no member here who could be shown it.
        if (ctx.directory.isMember(signal.user_id, signal.conversation_id)) ctx.publisher.typingHere(signal.conversation_id, signal.user_id);
        return;
      case 'close':
        return closeHere(ctx.presence, signal);
      case 'reload':
        if (signal.what === 'invite_policy') return await reloadInvitePolicy(ctx);
        return await ctx.push.reload(signal.user_id);
    }
  } catch (error) {
    ctx.log.error({ err: error, signal: signal.type }, 'a signal from another process failed');
  }
}

/** Another process's admin changed who may invite: read it again, and tell this process's connections. */
async function reloadInvitePolicy(ctx: ClusterNeeds): Promise<void> {
  const before = ctx.invites.policy;
  await ctx.invites.load();
  if (ctx.invites.policy !== before) ctx.publisher.invitePolicyHere(ctx.invites.policy);
}

/**
 * The changes in (after, upTo] as the log holds them, described as catch-up describes them. The log names what a
 * change was about; a new conversation or user is read whole with the directory, again, before anything is told.
 */
async function readGap({ store, directory, recent }: ClusterNeeds, after: number, upTo: number): Promise<Pending<Origin>[]> {
  const rows = [];
  for (let from = after; ; ) {
    const page = await store.log.changesBetween(from, upTo, GAP_PAGE);
    rows.push(...page);
    if (page.length < GAP_PAGE) break;
    from = page.at(-1)!.seq;
  }
  if (rows.some((row) => DIRECTORY_KINDS.has(row.kind))) directory.reload(await store.conversations.snapshot());
  const found: Pending<Origin>[] = [];
  for (const row of rows) {
    const change = describeLogged(row, directory);
    if (change !== undefined) found.push({ change, json: JSON.stringify(change) });
    else recent.missed(row.seq);
  }
  busReadFromLog.inc(found.length);
  return found;
}
