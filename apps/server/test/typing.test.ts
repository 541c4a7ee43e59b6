import { ErrorCode } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypingNotices } from '../src/ws/typing.js';
import { catchUp, Peer, settle, startTestServer, type TestServer } from './support/harness.js';

let server: TestServer;
let tokens: Record<'ann' | 'ben' | 'cat', string>;
let ids: Record<'ann' | 'ben' | 'cat', number>;
let dmId: number;
let lobbyId: number;

beforeAll(async () => {
  server = await startTestServer();
  const [ann, ben, cat] = [await server.join('ann'), await server.join('ben'), await server.join('cat')];
  tokens = { ann: ann.token, ben: ben.token, cat: cat.token };
  ids = { ann: ann.user.id, ben: ben.user.id, cat: cat.user.id };
  const a = await Peer.signIn(server.wsUrl, ann.token);
  lobbyId = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
  const dm = await a.request('create_dm', { user_id: ben.user.id });
  if (dm.type !== 'conversation_created') throw new Error(dm.type);
  dmId = dm.payload.conversation.id;
  await a.close();
});
afterAll(() => server.destroy());

describe('typing notices', () => {
  it('reach the conversation’s other members online, and nobody else, not even the typist’s other tabs', async () => {
    const [annTab, annOtherTab, ben, cat] = await Promise.all([
      Peer.signIn(server.wsUrl, tokens.ann),
      Peer.signIn(server.wsUrl, tokens.ann),
      Peer.signIn(server.wsUrl, tokens.ben),
      Peer.signIn(server.wsUrl, tokens.cat),
    ]);
    annTab.send('typing', { conversation_id: dmId });
    expect((await ben.next('user_typing')).payload).toEqual({ conversation_id: dmId, user_id: ids.ann });
    await settle();
    expect(cat.seen('user_typing')).toEqual([]);
    expect(annOtherTab.seen('user_typing')).toEqual([]);
    expect(annTab.events.filter((e) => e.type !== 'auth_ok' && e.type !== 'user_online')).toEqual([]);

    cat.send('typing', { conversation_id: lobbyId });
    expect((await ben.next('user_typing', (e) => e.payload.user_id === ids.cat)).payload.conversation_id).toBe(lobbyId);
    expect((await annOtherTab.next('user_typing')).payload).toEqual({ conversation_id: lobbyId, user_id: ids.cat });
    await Promise.all([annTab, annOtherTab, ben, cat].map((p) => p.close()));
  });

  it('are passed on once an interval, however often they come', async () => {
    const [ann, ben] = await Promise.all([Peer.signIn(server.wsUrl, tokens.ann), Peer.signIn(server.wsUrl, tokens.ben)]);
    for (let i = 0; i < 10; i++) ben.send('typing', { conversation_id: dmId });
    await ann.next('user_typing');
    await settle(300);
    expect(ann.seen('user_typing')).toHaveLength(1);
    await Promise.all([ann.close(), ben.close()]);
  });

  it('from someone outside the conversation are refused and reach nobody', async () => {
    const [ben, cat] = await Promise.all([Peer.signIn(server.wsUrl, tokens.ben), Peer.signIn(server.wsUrl, tokens.cat)]);
    const refused = await cat.request('typing', { conversation_id: dmId });
    expect(refused.type === 'error' && refused.payload.code).toBe(ErrorCode.ConversationNotFound);
    await settle();
    expect(ben.seen('user_typing')).toEqual([]);
    await Promise.all([ben.close(), cat.close()]);
  });

  it('are never stored, so a catch-up brings none', async () => {
    const ben = await Peer.signIn(server.wsUrl, tokens.ben);
    const cursor = ben.seen('auth_ok')[0]!.payload.cursor!;
    const cat = await Peer.signIn(server.wsUrl, tokens.cat);
    await settle(2_000);
    cat.send('typing', { conversation_id: lobbyId });
    await ben.next('user_typing');
    const { changes } = await catchUp(ben, cursor);
    expect(changes.filter((c) => (c.type as string) === 'user_typing')).toEqual([]);
    await Promise.all([ben.close(), cat.close()]);
  });
});

describe('the typing throttle', () => {
  it('lets one notice per user and conversation through per interval', () => {
    const notices = new TypingNotices();
    expect(notices.allow(1, 5, 0)).toBe(true);
    expect(notices.allow(1, 5, 1_000)).toBe(false);
    expect(notices.allow(1, 6, 1_000)).toBe(true);
    expect(notices.allow(2, 5, 1_000)).toBe(true);
    expect(notices.allow(1, 5, 1_800)).toBe(true);
    notices.prune(10_000);
    expect(notices.allow(1, 5, 10_000)).toBe(true);
  });
});
