import { ErrorCode } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, redeem, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
let owner: Awaited<ReturnType<TestServer['join']>>;

beforeAll(async () => {
  server = await startTestServer();
  owner = await server.join('olga');
});
afterAll(() => server.destroy());

const codeOf = (url: string) => url.split('/join/')[1]!;

describe('invites of a deactivated member', () => {
  it('are revoked with the account, refused when redeemed, and stay revoked after reactivation', async () => {
    const maker = await server.join('mira');
    const m = await Peer.signIn(server.wsUrl, maker.token);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const reply = await m.request('create_invite', { max_uses: 5 });
      if (reply.type !== 'invite_created') throw new Error(reply.type);
      made.push(reply.payload.code);
    }
    // One is used before: its earlier use stands, its later ones do not.
    expect((await redeem(server.url, made[0]!, 'early')).status).toBe(201);

    const o = await Peer.signIn(server.wsUrl, owner.token);
    expect(await o.request('deactivate_user', { user_id: maker.user.id })).toMatchObject({ type: 'user_updated' });
    for (const code of made) {
      expect(await redeem(server.url, code, `late-${code.slice(0, 4)}`)).toMatchObject({ status: 410, body: { error: { code: ErrorCode.InviteRevoked } } });
    }
    const listed = await o.request('list_invites', {});
    if (listed.type !== 'invites') throw new Error(listed.type);
    expect(listed.payload.invites.filter((i) => made.includes(i.code)).map((i) => i.revoked)).toEqual([true, true, true]);

    expect(await o.request('reactivate_user', { user_id: maker.user.id })).toMatchObject({ type: 'user_updated' });
    expect(await redeem(server.url, made[1]!, 'later')).toMatchObject({ status: 410, body: { error: { code: ErrorCode.InviteRevoked } } });
    await o.close();
  });

  it('are refused even when one was stored after the deactivation', async () => {
    const maker = await server.join('nils');
    const o = await Peer.signIn(server.wsUrl, owner.token);
    await o.request('deactivate_user', { user_id: maker.user.id });
    // As if a create_invite already under way had committed just after: the row is there, unrevoked.
    const code = 'slipped-past-deactivation';
    await server.db.run('INSERT INTO invites (code, created_by, created_at, max_uses) VALUES (?, ?, ?, 1)', [code, maker.user.id, Math.floor(Date.now() / 1000)]);
    expect(await redeem(server.url, code, 'sneaky')).toMatchObject({ status: 410, body: { error: { code: ErrorCode.InviteRevoked } } });
    await o.close();
  });
});

describe('listing invites', () => {
  it('pages through 1,000 invites, newest first, each once', async () => {
    const made: string[] = [];
    for (let i = 0; i < 1000; i++) made.push(codeOf(await server.createInvite()));
    const o = await Peer.signIn(server.wsUrl, owner.token);
    const seen: string[] = [];
    let before: string | undefined;
    let pages = 0;
    for (;;) {
      const reply = await o.request('list_invites', before === undefined ? {} : { before });
      if (reply.type !== 'invites') throw new Error(reply.type);
      pages += 1;
      seen.push(...reply.payload.invites.map((i) => i.code));
      if (!reply.payload.has_more) break;
      before = seen.at(-1);
    }
    const newest = seen.slice(0, 1000);
    expect(newest).toEqual([...made].reverse());
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThanOrEqual(5);

    const small = await o.request('list_invites', { limit: 10, before: made[500] });
    if (small.type !== 'invites') throw new Error(small.type);
    expect(small.payload.invites.map((i) => i.code)).toEqual(made.slice(490, 500).reverse());
    expect(small.payload.has_more).toBe(true);
    expect(await o.request('list_invites', { limit: 201 })).toMatchObject({ type: 'error', payload: { code: ErrorCode.InvalidPayload } });
    await o.close();
  });

  it('pages a member through their own invites only, whatever code they page from', async () => {
    const member = await server.join('page-member');
    const m = await Peer.signIn(server.wsUrl, member.token);
    const theirs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const made = await m.request('create_invite', {});
      if (made.type !== 'invite_created') throw new Error(made.type);
      theirs.push(made.payload.code);
    }
    const page = await m.request('list_invites', { limit: 2 });
    if (page.type !== 'invites') throw new Error(page.type);
    expect(page.payload.invites.map((i) => i.code)).toEqual([theirs[2], theirs[1]]);
    expect(page.payload.has_more).toBe(true);
    const next = await m.request('list_invites', { before: theirs[1] });
    expect(next).toMatchObject({ type: 'invites', payload: { invites: [{ code: theirs[0] }], has_more: false } });
    // Another's code is no place to page from: it lists nothing, as a code nobody has.
    const owners = codeOf(await server.createInvite());
    expect(await m.request('list_invites', { before: owners })).toMatchObject({ type: 'invites', payload: { invites: [], has_more: false } });
    await m.close();
  });
});
