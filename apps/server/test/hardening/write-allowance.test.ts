import { ErrorCode, type ClientEventType } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../src/config.js';
import { catchUp, newestSeq, Peer, settle, startTestServer, type TestServer } from '../support/harness.js';

/** Every per-user allowance spent after three requests, refilling too slowly to matter while a test runs. */
const TIGHT = {
  sendsPerSecondPerUser: 0.001,
  sendBurstPerUser: 3,
  invitesPerMinutePerUser: 0.06,
  inviteBurstPerUser: 3,
  writesPerSecondPerUser: 0.001,
  writeBurstPerUser: 3,
  pushSubscribesPerMinutePerUser: 1,
  pushSubscribeBurstPerUser: 3,
};
const ENDPOINT = 'https://push.example/send/dGhpcyBpcyBhIHRlc3Q';
const KEYS = { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' };

/** A request of each type that writes, made the n-th time (some refused by their own rules, which still pay). */
function writing(lobbyId: number, other: number, n: number): Record<string, unknown> {
  return {
    send_message: { conversation_id: lobbyId, content: `hello ${n}`, client_id: `c-${n}-${Math.random()}` },
    edit_message: { message_id: 1, content: `edited ${n}` },
    delete_message: { message_id: 999_999 },
    add_reaction: { message_id: 999_999, emoji: '👍' },
    remove_reaction: { message_id: 999_999, emoji: '👍' },
    create_dm: { user_id: other },
    create_group: { user_ids: [other] },
    rename_group: { conversation_id: 999_999, title: `t${n}` },
    add_members: { conversation_id: 999_999, user_ids: [other] },
    remove_member: { conversation_id: 999_999, user_id: other },
    leave_conversation: { conversation_id: 999_999 },
    mark_read: { conversation_id: lobbyId, message_id: n + 1 },
    set_notify: { conversation_id: lobbyId, notify: n % 2 === 0 ? 'none' : 'all' },
    set_nickname: { nickname: `renamed${n}x${Math.floor(Math.random() * 1e6)}` },
    set_status: { status: `status ${n}` },
    create_invite: {},
    create_sign_in_link: {},
    subscribe_push: { endpoint: `${ENDPOINT}${n}`, keys: KEYS },
    unsubscribe_push: { endpoint: ENDPOINT },
    revoke_session: { session_id: 999_999 },
    revoke_other_sessions: {},
    set_role: { user_id: other, role: 'member' },
    deactivate_user: { user_id: 999_999 },
    reactivate_user: { user_id: 999_999 },
    revoke_invite: { code: 'no-such-invite' },
    set_invite_policy: { policy: 'everyone' },
  } satisfies Partial<Record<ClientEventType, unknown>>;
}

describe('the allowance of every request that writes', () => {
  let server: TestServer;
  let lobbyId: number;
  let other: number;
  beforeAll(async () => {
    server = await startTestServer(TIGHT);
    const first = await server.join('first');
    other = first.user.id;
    const peer = await Peer.signIn(server.wsUrl, first.token);
    lobbyId = peer.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    await peer.request('send_message', { conversation_id: lobbyId, content: 'the first message', client_id: 'first' });
    await peer.close();
  });
  afterAll(() => server.destroy());

  it('is spent by one user across their connections, then answered with rate_limited and when to retry', async () => {
    const types = Object.keys(writing(0, 0, 0));
    let n = 0;
    for (const type of types) {
      // A user of their own for each request, so each limit is reached by that request alone.
      const user = await server.join(`w${n++}`);
      const [a, b] = [await Peer.signIn(server.wsUrl, user.token), await Peer.signIn(server.wsUrl, user.token)];
      for (let i = 0; i < 3; i++) {
        const reply = await (i % 2 === 0 ? a : b).request(type, writing(lobbyId, other, i)[type]);
        expect(reply.type === 'error' && reply.payload.code, `${type} #${i + 1}`).not.toBe(ErrorCode.RateLimited);
      }
      const refused = await b.request(type, writing(lobbyId, other, 3)[type]);
      expect(refused.type === "error" && refused.payload.code, `${type} ${JSON.stringify(refused)}`).toBe(ErrorCode.RateLimited);
      expect(refused.type === 'error' && refused.payload.retry_after_ms, type).toBeGreaterThan(0);
      await Promise.all([a.close(), b.close()]);
    }
    expect(types.length).toBe(26);
  });
});

describe('a member state set again and again', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.destroy());

  it('replaces its change in the log instead of adding one, and catch-up still tells every gap and the state as it is', async () => {
    const ann = await server.join('ann');
    const bea = await server.join('bea');
    const toggler = await Peer.signIn(server.wsUrl, ann.token);
    const lobbyId = toggler.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    const dm = await toggler.request('create_dm', { user_id: bea.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    const dmId = dm.payload.conversation.id;
    const before = newestSeq(toggler);
    const rows = async () => (await server.db.all<{ n: number }>('SELECT count(*) AS n FROM changes WHERE user_id = ?', ann.user.id))[0]!.n;
    const start = Number(await rows());

    const other = await Peer.signIn(server.wsUrl, ann.token);
    for (let i = 0; i < 200; i++) {
      await toggler.request('set_notify', { conversation_id: i < 100 ? lobbyId : dmId, notify: i % 2 === 0 ? 'none' : 'mentions' });
    }
    // One row for each of the two member states, whatever the number of toggles.
    expect(Number(await rows())).toBe(start + 2);

    // Another connection heard every toggle live, each change's prev at or below what it had: no gap is ever seen.
    await expect.poll(() => other.seen('member_state_updated').length).toBe(200);
    let tip: number | undefined;
    for (const change of other.seen('member_state_updated')) {
      if (tip !== undefined) expect(change.prev).toBeLessThanOrEqual(tip);
      tip = change.seq;
    }

    // Catching up from before tells each state once, as it is now, in an unbroken chain of its stream.
    const caught = (await catchUp(other, before)).changes.filter((c) => c.stream === `u${ann.user.id}`);
    expect(caught.map((c) => c.type)).toEqual(['member_state_updated', 'member_state_updated']);
    expect(caught[1]!.prev).toBe(caught[0]!.seq);
    const states = Object.fromEntries(caught.map((c) => [c.type === 'member_state_updated' ? c.payload.state.conversation_id : 0, c.type === 'member_state_updated' ? c.payload.state.notify : '']));
    expect(states).toEqual({ [lobbyId]: 'mentions', [dmId]: 'mentions' });
    await Promise.all([toggler.close(), other.close()]);
  });
});

describe('how fast one user can grow the change log', () => {
  let server: TestServer;
  afterAll(() => server.destroy());

  it('is bounded by the sends and writes allowances at their defaults', async () => {
    server = await startTestServer({
      requestsPerSecond: defaults.requestsPerSecond,
      requestBurst: defaults.requestBurst,
      sendsPerSecondPerUser: defaults.sendsPerSecondPerUser,
      sendBurstPerUser: defaults.sendBurstPerUser,
      writesPerSecondPerUser: defaults.writesPerSecondPerUser,
      writeBurstPerUser: defaults.writeBurstPerUser,
      invitesPerMinutePerUser: defaults.invitesPerMinutePerUser,
      inviteBurstPerUser: defaults.inviteBurstPerUser,
    });
    const mallory = await server.join('mallory');
    const friend = await server.join('friend');
    const conns = await Promise.all(Array.from({ length: 6 }, () => Peer.signIn(server.wsUrl, mallory.token)));
    const lobbyId = conns[0]!.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    const count = async () => Number((await server.db.all<{ n: number }>('SELECT count(*) AS n FROM changes'))[0]!.n);
    const start = await count();
    const startSeq = Number((await server.db.all<{ s: number }>('SELECT max(seq) AS s FROM changes'))[0]!.s);
    const began = Date.now();
    const SECONDS = 4;
    let i = 0;
    // A bystander sends one message after another meanwhile, timing each stored one's acknowledgement (past their
    // own allowance they are refused, and those are not counted).
    const bystander = await Peer.signIn(server.wsUrl, friend.token);
    const acks: number[] = [];
    const bystanding = (async () => {
      for (let k = 0; Date.now() - began < SECONDS * 1000; k++) {
        const sent = performance.now();
        const reply = await bystander.request('send_message', { conversation_id: lobbyId, content: `still here ${k}`, client_id: `b-${k}` });
        if (reply.type === 'message') acks.push(performance.now() - sent);
        else if (reply.type === 'error') await settle(reply.payload.retry_after_ms ?? 0);
      }
    })();
    // Every connection keeps asking for each kind of change as fast as its replies come, for a few seconds.
    await Promise.all(
      conns.map(async (peer, c) => {
        while (Date.now() - began < SECONDS * 1000) {
          const k = i++;
          const replies = await Promise.all([
            peer.request('send_message', { conversation_id: lobbyId, content: `flood ${k}`, client_id: `f-${c}-${k}` }),
            peer.request('set_notify', { conversation_id: lobbyId, notify: k % 2 === 0 ? 'none' : 'all' }),
            peer.request('create_group', { user_ids: [friend.user.id] }),
            peer.request('set_status', { status: `s${k}` }),
          ]);
          // It waits the shortest time it is told to, so that its connections are not closed for flooding while it
          // asks again as soon as any of its allowances has a token.
          const waits = replies.flatMap((reply) => (reply.type === 'error' && reply.payload.retry_after_ms !== undefined ? [reply.payload.retry_after_ms] : []));
          if (waits.length > 0) await settle(Math.min(...waits));
        }
      }),
    );
    await bystanding;
    const elapsed = (Date.now() - began) / 1000;
    const added = (await count()) - start - acks.length;
    const kinds = await server.db.all<{ kind: string; n: number }>('SELECT kind, count(*) AS n FROM changes WHERE seq > ? GROUP BY kind', startSeq);
    const p99 = [...acks].sort((a, b) => a - b)[Math.ceil(acks.length * 0.99) - 1]!;
    console.log(`one user added ${added} changes in ${elapsed.toFixed(1)} s (${kinds.map((k) => `${k.kind} ${k.n}`).join(', ')}, the bystander's included); the bystander's ${acks.length} sends were acknowledged in ${p99.toFixed(1)} ms at p99`);
    // Each request paid for adds at most one change; the notify level's replace each other.
    const bound =
      defaults.sendBurstPerUser + defaults.writeBurstPerUser + defaults.inviteBurstPerUser +
      (defaults.sendsPerSecondPerUser + defaults.writesPerSecondPerUser + defaults.invitesPerMinutePerUser / 60) * elapsed;
    expect(added).toBeLessThanOrEqual(bound);
    // Before the writes allowance, a bystander's acknowledgement reached 553 ms under one user's notify toggles.
    expect(p99).toBeLessThan(250);
    await Promise.all([...conns, bystander].map((peer) => peer.close()));
  });
});
