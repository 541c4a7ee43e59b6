import { ErrorCode } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, Peer, settle, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
let tokens: Record<'ann' | 'ben', string>;
let ids: Record<'ann' | 'ben', number>;

beforeAll(async () => {
  server = await startTestServer();
  const [ann, ben] = [await server.join('ann'), await server.join('ben')];
  tokens = { ann: ann.token, ben: ben.token };
  ids = { ann: ann.user.id, ben: ben.user.id };
});
afterAll(() => server.destroy());

describe('changing one’s nickname', () => {
  it('reaches everyone at once, and everyone who signs in later or catches up', async () => {
    const [ann, ben, annElsewhere] = await Promise.all([
      Peer.signIn(server.wsUrl, tokens.ann),
      Peer.signIn(server.wsUrl, tokens.ben),
      Peer.signIn(server.wsUrl, tokens.ann),
    ]);
    const benCursor = ben.seen('auth_ok')[0]!.payload.cursor!;
    await ben.close();

    const reply = await ann.request('set_nickname', { nickname: '  Annie  ' });
    expect(reply).toMatchObject({ type: 'user_updated', payload: { user: { id: ids.ann, nickname: 'Annie' } }, stream: 'all' });
    expect((await annElsewhere.next('user_updated')).payload.user.nickname).toBe('Annie');

    const back = await Peer.signIn(server.wsUrl, tokens.ben);
    const welcome = back.seen('auth_ok')[0]!.payload;
    expect(welcome.users.find((u) => u.id === ids.ann)?.nickname).toBe('Annie');
    expect(welcome.online_users.find((u) => u.id === ids.ann)?.nickname).toBe('Annie');
    const caught = (await catchUp(back, benCursor)).changes.filter((c) => c.type === 'user_updated');
    expect(caught.map((c) => c.payload)).toEqual([{ user: { id: ids.ann, nickname: 'Annie', role: 'owner' } }]);
    await Promise.all([ann.close(), annElsewhere.close(), back.close()]);
  });

  it('allows a change of case, and answers an unchanged name without telling anyone', async () => {
    const [ann, ben] = await Promise.all([Peer.signIn(server.wsUrl, tokens.ann), Peer.signIn(server.wsUrl, tokens.ben)]);
    const cased = await ann.request('set_nickname', { nickname: 'ANNIE' });
    expect(cased.type === 'user_updated' && cased.payload.user.nickname).toBe('ANNIE');
    await ben.next('user_updated');
    const same = await ann.request('set_nickname', { nickname: 'ANNIE' });
    expect(same.type === 'user_updated' && same.seq).toBeUndefined();
    await settle();
    expect(ben.seen('user_updated')).toHaveLength(1);
    await Promise.all([ann.close(), ben.close()]);
  });

  it('refuses a name someone else has in any case, and one that breaks the rules (mixed scripts, blank, too long), changing nothing', async () => {
    const ann = await Peer.signIn(server.wsUrl, tokens.ann);
    for (const [nickname, code] of [
      ['ben', ErrorCode.NicknameTaken],
      ['BEN', ErrorCode.NicknameTaken],
      ['bеn', ErrorCode.InvalidNickname],
      ['   ', ErrorCode.InvalidNickname],
      ['x'.repeat(33), ErrorCode.InvalidNickname],
    ] as const) {
      const refused = await ann.request('set_nickname', { nickname });
      expect(refused.type === 'error' && refused.payload.code, nickname).toBe(code);
    }
    await ann.close();
    const again = await Peer.signIn(server.wsUrl, tokens.ann);
    expect(again.seen('auth_ok')[0]!.payload.user.nickname).toBe('ANNIE');
    await again.close();
  });
});
