import { CloseCode, ErrorCode, signInPath } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, Peer, redeem, settle, startTestServer, type TestServer } from './support/harness.js';

type Joined = { user: { id: number; nickname: string }; token: string };

let server: TestServer;
let owner: Joined, ada: Joined, bo: Joined, cy: Joined;
let lobbyId: number;

beforeAll(async () => {
  server = await startTestServer();
  [owner, ada, bo, cy] = [await server.join('olga'), await server.join('ada'), await server.join('bo'), await server.join('cy')];
  const o = await Peer.signIn(server.wsUrl, owner.token);
  lobbyId = o.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  expect(await o.request('set_role', { user_id: ada.user.id, role: 'admin' })).toMatchObject({ type: 'user_updated' });
  await o.close();
});
afterAll(() => server.destroy());

const tamper = (sql: string, ...params: unknown[]) => server.db.run(sql, params);

const codeOf = (url: string) => url.split('/join/')[1]!;

describe('roles', () => {
  it('make the first to join the owner, and everyone hears a new admin live and by catch-up', async () => {
    const b = await Peer.signIn(server.wsUrl, bo.token);
    const welcome = b.seen('auth_ok')[0]!.payload;
    expect(welcome.users.find((u) => u.id === owner.user.id)?.role).toBe('owner');
    expect(welcome.users.find((u) => u.id === ada.user.id)?.role).toBe('admin');
    expect(welcome.users.find((u) => u.id === bo.user.id)?.role).toBeUndefined();
    const cursor = welcome.cursor!;
    await b.close();

    const o = await Peer.signIn(server.wsUrl, owner.token);
    const c = await Peer.signIn(server.wsUrl, cy.token);
    await o.request('set_role', { user_id: bo.user.id, role: 'admin' });
    expect((await c.next('user_updated')).payload.user).toEqual({ id: bo.user.id, nickname: 'bo', role: 'admin' });
    await o.request('set_role', { user_id: bo.user.id, role: 'member' });
    const back = await Peer.signIn(server.wsUrl, bo.token);
    const caught = (await catchUp(back, cursor)).changes.filter((change) => change.type === 'user_updated');
    // Catch-up tells each change as things are now: Bo is a member again.
    expect(caught.map((change) => change.payload)).toEqual([{ user: { id: bo.user.id, nickname: 'bo' } }, { user: { id: bo.user.id, nickname: 'bo' } }]);
    await Promise.all([o.close(), c.close(), back.close()]);
  });
});

describe('deactivating a member', () => {
  it('closes their connections within a second, refuses their sign-in, keeps their messages, and reactivation needs a new link', async () => {
    const victim = await server.join('dee');
    const d = await Peer.signIn(server.wsUrl, victim.token);
    const said = await d.request('send_message', { conversation_id: lobbyId, content: 'still here later', client_id: 'dee-1' });
    if (said.type !== 'message') throw new Error(said.type);
    const admin = await Peer.signIn(server.wsUrl, ada.token);
    const onlooker = await Peer.signIn(server.wsUrl, cy.token);

    const asked = Date.now();
    const reply = await admin.request('deactivate_user', { user_id: victim.user.id });
    expect(reply).toMatchObject({ type: 'user_updated', payload: { user: { id: victim.user.id, deactivated: true } }, stream: 'all' });
    expect(await d.closed).toBe(CloseCode.AccountDeactivated);
    expect(Date.now() - asked).toBeLessThan(1_000);
    expect((await onlooker.next('user_updated', (e) => e.payload.user.id === victim.user.id)).payload.user.deactivated).toBe(true);
    expect((await onlooker.next('user_offline', (e) => e.payload.user_id === victim.user.id)).payload.user_id).toBe(victim.user.id);

    const retry = await Peer.open(server.wsUrl);
    retry.send('auth', { token: victim.token }, 'a');
    expect((await retry.next('auth_error')).payload.code).toBe(ErrorCode.InvalidToken);
    const history = await onlooker.request('load_history', { conversation_id: lobbyId });
    expect(history.type === 'history' && history.payload.messages.find((m) => m.id === said.payload.id)?.content).toBe('still here later');
    expect(await admin.request('create_sign_in_link', { user_id: victim.user.id })).toMatchObject({ payload: { code: ErrorCode.AccountDeactivated } });
    expect(await onlooker.request('create_dm', { user_id: victim.user.id })).toMatchObject({ payload: { code: ErrorCode.AccountDeactivated } });

    expect(await admin.request('reactivate_user', { user_id: victim.user.id })).toMatchObject({ payload: { user: { id: victim.user.id, nickname: 'dee' } } });
    const link = await admin.request('create_sign_in_link', { user_id: victim.user.id });
    if (link.type !== 'sign_in_link') throw new Error(link.type);
    const res = await fetch(`${server.url}${signInPath(link.payload.code)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const recovered = await Peer.signIn(server.wsUrl, ((await res.json()) as { token: string }).token);
    expect(recovered.seen('auth_ok')[0]!.payload.user).toEqual({ id: victim.user.id, nickname: 'dee' });
    await Promise.all([admin.close(), onlooker.close(), recovered.close()]);
  });

  it('is listed to admins with everyone’s last activity, devices and presence', async () => {
    const admin = await Peer.signIn(server.wsUrl, ada.token);
    const reply = await admin.request('list_members', {});
    if (reply.type !== 'members') throw new Error(reply.type);
    const byName = new Map(reply.payload.members.map((m) => [m.user.nickname, m]));
    expect(byName.get('olga')).toMatchObject({ user: { role: 'owner' }, sessions: 1, online: false });
    expect(byName.get('ada')).toMatchObject({ user: { role: 'admin' }, online: true });
    expect(byName.get('ada')!.last_active_at).toBeGreaterThan(0);
    expect(reply.payload.members.map((m) => m.user.id)).toEqual([...reply.payload.members.map((m) => m.user.id)].sort((a, b) => a - b));
    await admin.close();
  });

  it('still lists when a deactivated member was last active, though their devices are signed out', async () => {
    const eve = await server.join('eve');
    const e = await Peer.signIn(server.wsUrl, eve.token);
    const admin = await Peer.signIn(server.wsUrl, ada.token);
    const listed = async () => {
      const reply = await admin.request('list_members', {});
      if (reply.type !== 'members') throw new Error(reply.type);
      return reply.payload.members.find((m) => m.user.id === eve.user.id)!;
    };
    const active = (await listed()).last_active_at;
    expect(active).toBeGreaterThan(0);

    await admin.request('deactivate_user', { user_id: eve.user.id });
    await e.closed;
    expect(await listed()).toMatchObject({ user: { deactivated: true }, sessions: 0, online: false, last_active_at: active });
    await admin.request('reactivate_user', { user_id: eve.user.id });
    expect(await listed()).toMatchObject({ sessions: 0, last_active_at: active });
    await admin.close();
  });
});

describe('invites', () => {
  it('expire, count their uses and can be revoked, each refused with its own code', async () => {
    const admin = await Peer.signIn(server.wsUrl, ada.token);
    const twice = await admin.request('create_invite', { expires_in: 3600, max_uses: 2 });
    if (twice.type !== 'invite_created') throw new Error(twice.type);
    expect(twice.payload.max_uses).toBe(2);
    expect(twice.payload.expires_at! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3590);
    const code = codeOf(twice.payload.url);
    expect((await redeem(server.url, code, 'first')).status).toBe(201);
    expect((await redeem(server.url, code, 'second')).status).toBe(201);
    expect(await redeem(server.url, code, 'third')).toMatchObject({ status: 410, body: { error: { code: ErrorCode.InviteUsed } } });

    const plain = await admin.request('create_invite', {});
    if (plain.type !== 'invite_created') throw new Error(plain.type);
    expect(plain.payload.max_uses).toBe(1);
    expect(plain.payload.expires_at! - Math.floor(Date.now() / 1000)).toBeGreaterThan(7 * 86_400 - 10);
    await tamper('UPDATE invites SET expires_at = 1 WHERE code = ?', codeOf(plain.payload.url));
    expect(await redeem(server.url, codeOf(plain.payload.url), 'late')).toMatchObject({ status: 410, body: { error: { code: ErrorCode.InviteExpired } } });
    const status = await fetch(`${server.url}/api/invites/${codeOf(plain.payload.url)}`);
    expect(status.status).toBe(410);

    const revoked = await admin.request('create_invite', {});
    if (revoked.type !== 'invite_created') throw new Error(revoked.type);
    const listed = await admin.request('revoke_invite', { code: revoked.payload.code });
    if (listed.type !== 'invites') throw new Error(listed.type);
    expect(listed.payload.invites[0]).toMatchObject({ code: revoked.payload.code, revoked: true, uses: 0 });
    expect(listed.payload.invites.find((i) => i.code === code)).toMatchObject({ uses: 2, max_uses: 2, created_by: ada.user.id });
    expect(await redeem(server.url, revoked.payload.code, 'nope')).toMatchObject({ status: 410, body: { error: { code: ErrorCode.InviteRevoked } } });
    expect(await admin.request('revoke_invite', { code: 'missing' })).toMatchObject({ payload: { code: ErrorCode.InviteNotFound } });
    await admin.close();
  });

  it('are listed to a member as the ones they made, and to an admin as everyone’s', async () => {
    const admin = await Peer.signIn(server.wsUrl, ada.token);
    const member = await Peer.signIn(server.wsUrl, bo.token);
    const theirs = await member.request('create_invite', {});
    if (theirs.type !== 'invite_created') throw new Error(theirs.type);
    const other = await admin.request('create_invite', {});
    if (other.type !== 'invite_created') throw new Error(other.type);

    const listed = await member.request('list_invites', {});
    if (listed.type !== 'invites') throw new Error(listed.type);
    expect(listed.payload.invites.map((i) => i.code)).toContain(theirs.payload.code);
    expect(listed.payload.invites.every((i) => i.created_by === bo.user.id)).toBe(true);
    expect(listed.payload.invites[0]).toMatchObject({ code: theirs.payload.code, url: theirs.payload.url, uses: 0, max_uses: 1 });

    const all = await admin.request('list_invites', {});
    if (all.type !== 'invites') throw new Error(all.type);
    expect(all.payload.invites.map((i) => i.code)).toEqual(expect.arrayContaining([theirs.payload.code, other.payload.code]));
    // Revoking stays the admins'.
    expect(await member.request('revoke_invite', { code: theirs.payload.code })).toMatchObject({ payload: { code: ErrorCode.Forbidden } });
    await Promise.all([admin.close(), member.close()]);
  });

  it('may be made by admins only, when an admin says so, which everyone online hears and new sign-ins are told', async () => {
    const admin = await Peer.signIn(server.wsUrl, ada.token);
    const online = await Peer.signIn(server.wsUrl, cy.token);
    expect(await admin.request('set_invite_policy', { policy: 'admins' })).toMatchObject({ type: 'invites', payload: { policy: 'admins' } });
    expect((await online.next('invite_policy_updated')).payload).toEqual({ policy: 'admins' });
    const member = await Peer.signIn(server.wsUrl, cy.token);
    expect(member.seen('auth_ok')[0]!.payload.invite_policy).toBe('admins');
    expect(await member.request('create_invite', {})).toMatchObject({ type: 'error', payload: { code: ErrorCode.Forbidden } });
    expect((await admin.request('create_invite', {})).type).toBe('invite_created');
    await admin.request('set_invite_policy', { policy: 'everyone' });
    expect((await member.request('create_invite', {})).type).toBe('invite_created');
    // Said again, it changes nothing and nobody is told.
    await admin.request('set_invite_policy', { policy: 'everyone' });
    await settle(200);
    expect(online.seen('invite_policy_updated').map((e) => e.payload.policy)).toEqual(['admins', 'everyone']);
    await Promise.all([admin.close(), member.close(), online.close()]);
  });
});

describe('moderation', () => {
  it('lets an admin delete anyone’s message, which every member hears, but not edit it', async () => {
    const c = await Peer.signIn(server.wsUrl, cy.token);
    const sent = await c.request('send_message', { conversation_id: lobbyId, content: 'spam spam', client_id: 'spam-1' });
    if (sent.type !== 'message') throw new Error(sent.type);
    const admin = await Peer.signIn(server.wsUrl, ada.token);
    expect(await admin.request('edit_message', { message_id: sent.payload.id, content: 'x' })).toMatchObject({ payload: { code: ErrorCode.NotYourMessage } });
    expect(await admin.request('delete_message', { message_id: sent.payload.id })).toMatchObject({ type: 'message_updated', payload: { message: { deleted: true, content: '' } } });
    expect((await c.next('message_updated')).payload.message).toMatchObject({ id: sent.payload.id, deleted: true });
    const b = await Peer.signIn(server.wsUrl, bo.token);
    expect(await b.request('delete_message', { message_id: sent.payload.id })).toMatchObject({ payload: { code: ErrorCode.NotYourMessage } });
    await settle();
    await Promise.all([c.close(), admin.close(), b.close()]);
  });
});
