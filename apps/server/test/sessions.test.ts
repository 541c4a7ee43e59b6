import { CloseCode, ErrorCode, signInPath } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
let ann: { user: { id: number }; token: string };
let ben: { user: { id: number }; token: string };

beforeAll(async () => {
  server = await startTestServer();
  [ann, ben] = [await server.join('ann'), await server.join('ben')];
});
afterAll(() => server.destroy());

async function linkStatus(code: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${signInPath(code)}`);
  return { status: res.status, body: await res.json() };
}

async function useLink(code: string, body: unknown = {}, userAgent?: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (userAgent !== undefined) headers['User-Agent'] = userAgent;
  const res = await fetch(`${server.url}${signInPath(code)}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** A new sign-in link for the peer's own account, and its code. */
async function linkFor(peer: Peer, userId?: number): Promise<string> {
  const reply = await peer.request('create_sign_in_link', userId === undefined ? {} : { user_id: userId });
  if (reply.type !== 'sign_in_link') throw new Error(JSON.stringify(reply));
  expect(reply.payload.url).toBe(`${server.publicUrl}/signin/${reply.payload.code}`);
  return reply.payload.code;
}

/** A second device of the peer's user, signed in through a link. */
async function secondDevice(peer: Peer, device = 'Phone'): Promise<{ token: string; peer: Peer }> {
  const signedIn = await useLink(await linkFor(peer), { device });
  expect(signedIn.status).toBe(201);
  return { token: signedIn.body.token, peer: await Peer.signIn(server.wsUrl, signedIn.body.token) };
}

const tamper = (sql: string, ...params: unknown[]) => server.db.run(sql, params);

describe('a sign-in link', () => {
  it('signs another device in once as the same person, with a session of its own named as it asked', async () => {
    const a = await Peer.signIn(server.wsUrl, ann.token);
    const code = await linkFor(a);
    expect(await linkStatus(code)).toMatchObject({ status: 200, body: { code, user: { id: ann.user.id, nickname: 'ann' } } });
    const used = await useLink(code, { device: '  Ann’s   phone ' });
    expect(used).toMatchObject({ status: 201, body: { user: { id: ann.user.id, nickname: 'ann' } } });
    expect(used.body.token).not.toBe(ann.token);

    const phone = await Peer.signIn(server.wsUrl, used.body.token);
    const welcome = phone.seen('auth_ok')[0]!.payload;
    expect(welcome.user.id).toBe(ann.user.id);
    expect(welcome.session_id).not.toBe(a.seen('auth_ok')[0]!.payload.session_id);
    const listed = await phone.request('list_sessions', {});
    if (listed.type !== 'sessions') throw new Error(listed.type);
    expect(listed.payload.sessions.map((s) => [s.label, s.current === true])).toEqual(expect.arrayContaining([['Ann’s phone', true]]));
    expect(listed.payload.sessions).toHaveLength(2);

    for (const answer of [await linkStatus(code), await useLink(code)]) {
      expect(answer).toMatchObject({ status: 410, body: { error: { code: ErrorCode.SignInLinkExpired } } });
    }
    await Promise.all([a.close(), phone.close()]);
  });

  it('names a device by its browser when it does not say', async () => {
    const b = await Peer.signIn(server.wsUrl, ben.token);
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
    const used = await useLink(await linkFor(b), {}, firefox);
    const sessions = await b.request('list_sessions', {});
    expect(sessions.type === 'sessions' && sessions.payload.sessions.map((s) => s.label)).toContain('Firefox on Linux');
    await Peer.signIn(server.wsUrl, used.body.token).then((p) => p.close());
    await b.close();
  });

  it('is refused once expired, when unknown, and to the second of two devices racing for it', async () => {
    const a = await Peer.signIn(server.wsUrl, ann.token);
    const stale = await linkFor(a);
    await tamper('UPDATE sign_in_links SET expires_at = 1');
    expect(await useLink(stale)).toMatchObject({ status: 410, body: { error: { code: ErrorCode.SignInLinkExpired } } });
    expect(await linkStatus('nothing-like-a-code')).toMatchObject({ status: 404, body: { error: { code: ErrorCode.SignInLinkNotFound } } });
    expect(await useLink('nothing-like-a-code')).toMatchObject({ status: 404, body: { error: { code: ErrorCode.SignInLinkNotFound } } });

    const contested = await linkFor(a);
    const answers = await Promise.all([useLink(contested), useLink(contested), useLink(contested)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 410, 410]);
    await a.close();
  });

  it('is only made for someone else by an admin who outranks them', async () => {
    const b = await Peer.signIn(server.wsUrl, ben.token);
    const refused = await b.request('create_sign_in_link', { user_id: ann.user.id });
    expect(refused).toMatchObject({ type: 'error', payload: { code: ErrorCode.Forbidden } });
    const missing = await b.request('create_sign_in_link', { user_id: 999_999 });
    expect(missing).toMatchObject({ type: 'error', payload: { code: ErrorCode.UserNotFound } });
    await b.close();
  });

  it('only takes JSON with no fields beyond device', async () => {
    const a = await Peer.signIn(server.wsUrl, ann.token);
    const code = await linkFor(a);
    const form = await fetch(`${server.url}${signInPath(code)}`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
    expect(await useLink(code, { device: 'x', token: 'mine' })).toMatchObject({ status: 400, body: { error: { code: ErrorCode.InvalidPayload } } });
    expect((await useLink(code)).status).toBe(201);
    await a.close();
  });
});

describe('signing a device out', () => {
  it('closes that device’s connections within a second with 4007 and refuses its token; the others stay', async () => {
    const laptop = await Peer.signIn(server.wsUrl, ann.token);
    const phone = await secondDevice(laptop);
    const phoneAgain = await Peer.signIn(server.wsUrl, phone.token);
    const phoneSession = phone.peer.seen('auth_ok')[0]!.payload.session_id!;

    const asked = Date.now();
    const reply = await laptop.request('revoke_session', { session_id: phoneSession });
    expect(reply.type === 'sessions' && reply.payload.sessions.map((s) => s.id)).not.toContain(phoneSession);
    expect(await phone.peer.closed).toBe(CloseCode.SessionRevoked);
    expect(await phoneAgain.closed).toBe(CloseCode.SessionRevoked);
    expect(Date.now() - asked).toBeLessThan(1_000);

    const retry = await Peer.open(server.wsUrl);
    retry.send('auth', { token: phone.token }, 'a');
    expect(await retry.next('auth_error')).toMatchObject({ payload: { code: ErrorCode.InvalidToken } });
    expect(await retry.closed).toBe(CloseCode.AuthFailed);
    expect((await laptop.request('ping', {})).type).toBe('pong');
    await laptop.close();
  });

  it('everywhere else leaves only the asking device, and signing this one out closes it after the reply', async () => {
    const laptop = await Peer.signIn(server.wsUrl, ben.token);
    const [phone, tablet] = [await secondDevice(laptop, 'Phone'), await secondDevice(laptop, 'Tablet')];
    const left = await laptop.request('revoke_other_sessions', {});
    expect(left.type === 'sessions' && left.payload.sessions).toEqual([expect.objectContaining({ current: true })]);
    expect(await Promise.all([phone.peer.closed, tablet.peer.closed])).toEqual([CloseCode.SessionRevoked, CloseCode.SessionRevoked]);

    const mine = laptop.seen('auth_ok')[0]!.payload.session_id!;
    const last = await laptop.request('revoke_session', { session_id: mine });
    expect(last.type === 'sessions' && last.payload.sessions).toEqual([]);
    expect(await laptop.closed).toBe(CloseCode.SessionRevoked);
  });

  it('is refused for a session that is not the user’s own, which stays signed in', async () => {
    const a = await Peer.signIn(server.wsUrl, ann.token);
    const phone = await secondDevice(a);
    const theirs = phone.peer.seen('auth_ok')[0]!.payload.session_id!;
    const other = await Peer.signIn(server.wsUrl, (await server.join('cy')).token);
    expect(await other.request('revoke_session', { session_id: theirs })).toMatchObject({ type: 'error', payload: { code: ErrorCode.SessionNotFound } });
    expect((await phone.peer.request('ping', {})).type).toBe('pong');
    await Promise.all([a.close(), phone.peer.close(), other.close()]);
  });
});
