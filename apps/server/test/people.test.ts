import { USERS_PAGE_MAX, type ServerEventOf, type User } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Peer, startTestServer, type TestServer } from './support/harness.js';

/** Past this many people, a sign-in names only some of them. */
const EVERYONE_MAX = 4;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ fullDirectoryMax: EVERYONE_MAX, presenceNewsMs: 20 });
});
afterAll(() => server.destroy());

const ids = (users: readonly User[]) => users.map((user) => user.id).sort((a, b) => a - b);

async function welcome(token: string): Promise<{ peer: Peer; auth: ServerEventOf<'auth_ok'> }> {
  const peer = await Peer.open(server.wsUrl);
  const auth = await peer.request('auth', { token });
  if (auth.type !== 'auth_ok') throw new Error(`${auth.type}: ${JSON.stringify(auth.payload)}`);
  return { peer, auth };
}

async function listUsers(peer: Peer, payload: object): Promise<ServerEventOf<'users'>['payload']> {
  const reply = await peer.request('list_users', payload);
  if (reply.type !== 'users') throw new Error(`${reply.type}: ${JSON.stringify(reply.payload)}`);
  return reply.payload;
}

/** Everyone who joined, in order: the first owns the server. */
const members: { user: User; token: string }[] = [];

describe('who a sign-in names', () => {
  it('names everyone, with no users_partial, while the server has at most fullDirectoryMax people', async () => {
    for (const name of ['ann', 'ben', 'cy', 'dee']) members.push(await server.join(name));
    const { peer, auth } = await welcome(members[0]!.token);
    expect(ids(auth.payload.users)).toEqual(ids(members.map((m) => m.user)));
    expect(auth.payload.users_partial).toBeUndefined();
    await peer.close();
  });

  it('keeps telling a connection that was told of everyone of everyone’s presence once the server has grown past it', async () => {
    const { peer: annEarly } = await welcome(members[0]!.token);
    for (const name of ['eve', 'fay', 'gus']) members.push(await server.join(name));
    const gus = members[6]!;
    const { peer: gusPeer } = await welcome(gus.token);
    await annEarly.next('user_online', (e) => e.payload.user.id === gus.user.id);
    await Promise.all([annEarly, gusPeer].map((p) => p.close()));
  });

  it('past it, names the user and the members of their DMs and groups, flags users_partial, and tells who of them is online', async () => {
    const [ann, ben, cy, eve] = [members[0]!, members[1]!, members[2]!, members[4]!];
    const online = (await Promise.all([cy, eve].map((m) => welcome(m.token)))).map((w) => w.peer);
    const first = await welcome(ann.token);
    await first.peer.request('create_dm', { user_id: ben.user.id });
    await first.peer.request('create_group', { user_ids: [eve.user.id] });
    await first.peer.close();

    const { peer, auth } = await welcome(ann.token);
    expect(auth.payload.users_partial).toBe(true);
    expect(ids(auth.payload.users)).toEqual(ids([ann.user, ben.user, eve.user]));
    // Cy is online too, but shares no DM or group with Ann.
    expect(ids(auth.payload.online_users)).toEqual(ids([ann.user, eve.user]));
    await Promise.all([peer, ...online].map((p) => p.close()));
  });
});

describe('list_users', () => {
  let peer: Peer;
  let everyone: User[];
  beforeAll(async () => {
    const newcomer = await server.join('hal');
    ({ peer } = await welcome(newcomer.token));
    everyone = (await listUsers(peer, { limit: USERS_PAGE_MAX })).users;
  });
  afterAll(() => peer.close());

  it('pages through everyone in order of id, each page after the last id of the one before', async () => {
    expect(everyone.length).toBe(8);
    expect(everyone.map((user) => user.id)).toEqual(ids(everyone));
    const first = await listUsers(peer, { limit: 3 });
    expect(first).toEqual({ users: everyone.slice(0, 3), has_more: true });
    const second = await listUsers(peer, { after: first.users.at(-1)!.id, limit: 3 });
    expect(second).toEqual({ users: everyone.slice(3, 6), has_more: true });
    const last = await listUsers(peer, { after: second.users.at(-1)!.id, limit: 3 });
    expect(last).toEqual({ users: everyone.slice(6), has_more: false });
  });

  it('finds people by id, leaving out ids nobody has, and names deactivated accounts too', async () => {
    const target = everyone[2]!;
    const { peer: owner } = await welcome(members[0]!.token);
    await owner.request('deactivate_user', { user_id: target.id });
    await owner.close();
    const deactivated = { ...target, deactivated: true };
    const found = await listUsers(peer, { ids: [target.id, 999_999, everyone[0]!.id, target.id] });
    expect(found).toEqual({ users: [everyone[0], deactivated], has_more: false });
  });

  it('hears of someone who joins after the page was sorted', async () => {
    const late = await server.join('ivy');
    await peer.next('user_joined', (e) => e.payload.user.id === late.user.id);
    const page = await listUsers(peer, { after: everyone.at(-1)!.id });
    expect(page).toEqual({ users: [late.user], has_more: false });
  });

  it('refuses a page or a list of ids over USERS_PAGE_MAX', async () => {
    const tooMany = await peer.request('list_users', { limit: USERS_PAGE_MAX + 1 });
    expect(tooMany).toMatchObject({ type: 'error', payload: { code: 'invalid_payload' } });
    const tooManyIds = await peer.request('list_users', { ids: Array.from({ length: USERS_PAGE_MAX + 1 }, (_, i) => i + 1) });
    expect(tooManyIds).toMatchObject({ type: 'error', payload: { code: 'invalid_payload' } });
  });
});

describe('presence on a server past fullDirectoryMax', () => {
  it('is told to the people who share a DM or group with the user, and to nobody else', async () => {
    const [jo, kim, lee] = [await server.join('jo'), await server.join('kim'), await server.join('lee')];
    const { peer: kimPeer } = await welcome(kim.token);
    await kimPeer.request('create_dm', { user_id: jo.user.id });
    const { peer: leePeer } = await welcome(lee.token);
    const { peer: joPeer } = await welcome(jo.token);
    await kimPeer.next('user_online', (e) => e.payload.user.id === jo.user.id);
    await joPeer.close();
    await kimPeer.next('user_offline', (e) => e.payload.user_id === jo.user.id);
    // The news was written to every socket it went to before Kim read it, so anything for Lee is before this pong.
    await leePeer.request('ping', {});
    expect(leePeer.seen('user_online').map((e) => e.payload.user.id)).toEqual([lee.user.id]);
    expect(leePeer.seen('user_offline')).toEqual([]);
    await Promise.all([kimPeer, leePeer].map((p) => p.close()));
  });

  it('tells two people online who open a DM that the other is online', async () => {
    const [mo, ned] = [await server.join('mo'), await server.join('ned')];
    const [{ peer: moPeer }, { peer: nedPeer }] = [await welcome(mo.token), await welcome(ned.token)];
    await moPeer.next('user_online', (e) => e.payload.user.id === mo.user.id);
    await nedPeer.next('user_online', (e) => e.payload.user.id === ned.user.id);
    await moPeer.request('create_dm', { user_id: ned.user.id });
    await moPeer.next('user_online', (e) => e.payload.user.id === ned.user.id);
    await nedPeer.next('user_online', (e) => e.payload.user.id === mo.user.id);
    await Promise.all([moPeer, nedPeer].map((p) => p.close()));
  });
});
