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
      // Looks like Ben's: differs only by a combining mark, or by precomposed accents.
      ['be\u0301n', ErrorCode.NicknameConfusable],
      ['bén', ErrorCode.NicknameConfusable],
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

describe('a status beside one’s name', () => {
  it('reaches everyone at once, is there for those who sign in later or catch up, and clears when blank', async () => {
    const [ann, ben] = await Promise.all([Peer.signIn(server.wsUrl, tokens.ann), Peer.signIn(server.wsUrl, tokens.ben)]);
    const benCursor = ben.seen('auth_ok')[0]!.payload.cursor!;
    await ben.close();

    const reply = await ann.request('set_status', { status: '  On holiday until Monday 🌴 ' });
    expect(reply).toMatchObject({ type: 'user_updated', payload: { user: { id: ids.ann, status: 'On holiday until Monday 🌴' } }, stream: 'all' });
    const back = await Peer.signIn(server.wsUrl, tokens.ben);
    expect(back.seen('auth_ok')[0]!.payload.users.find((u) => u.id === ids.ann)?.status).toBe('On holiday until Monday 🌴');
    const caught = (await catchUp(back, benCursor)).changes.filter((c) => c.type === 'user_updated');
    expect(caught.at(-1)?.payload).toMatchObject({ user: { id: ids.ann, status: 'On holiday until Monday 🌴' } });

    const cleared = await ann.request('set_status', { status: ' \u200b ' });
    expect(cleared.type === 'user_updated' && cleared.payload.user).not.toHaveProperty('status');
    expect((await back.next('user_updated')).payload.user).not.toHaveProperty('status');
    await Promise.all([ann.close(), back.close()]);
  });

  it('refuses one too long or of more than one line with invalid_status, keeping the one before', async () => {
    const ann = await Peer.signIn(server.wsUrl, tokens.ann);
    await ann.request('set_status', { status: 'Lunch' });
    for (const status of ['x'.repeat(81), 'two\nlines', 'a\u2028b', 'bell\u0007']) {
      const refused = await ann.request('set_status', { status });
      expect(refused.type === 'error' && refused.payload.code, JSON.stringify(status)).toBe(ErrorCode.InvalidStatus);
    }
    const unchanged = await ann.request('set_status', { status: 'Lunch' });
    expect(unchanged.type === 'user_updated' && unchanged.seq).toBeUndefined();
    expect(unchanged.type === 'user_updated' && unchanged.payload.user.status).toBe('Lunch');
    await ann.close();
  });
});
