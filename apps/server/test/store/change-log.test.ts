import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { MemberSettings, Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let dir: string;
let db: TestDatabase;
let store: Store;
let lobbyId: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-log-'));
  db = await createTestDatabase(dir);
  store = await openStore({ ...db.options, synchronous: 'FULL' });
  lobbyId = await store.conversations.ensureLobby(1);
});
afterEach(async () => {
  await store.close();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function joinAs(nickname: string, createdAt = 1) {
  await store.accounts.createInvite({ code: nickname, createdBy: null, createdAt, expiresAt: null, maxUses: 1 });
  const outcome = await store.accounts.redeem({ code: nickname, nickname, nicknameKey: nickname, tokenHash: nickname, label: 'test', lobbyId, createdAt });
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.user;
}

const send = (conversationId: number, userId: number, clientId: string, createdAt = 1) =>
  store.messages.append([{ conversationId, userId, content: clientId, clientId, createdAt }]);

describe('the change log', () => {
  it('numbers changes in the transaction that makes them, each naming the one before it in its stream', async () => {
    const ann = await joinAs('ann');
    const ben = await joinAs('ben');
    const group = await store.conversations.create({ type: 'group', dmKey: null, memberIds: [ann.id, ben.id], createdAt: 1, createdBy: ann.id });
    const [first] = await send(group.id, ann.id, 'g1');
    const [second] = await send(group.id, ben.id, 'g2');
    const [lobby] = await send(lobbyId, ann.id, 'l1');

    const changes = await store.log.changesFor(ann.id, 0, (await store.log.bounds()).head, 100);
    expect(changes.map(({ seq, prev, kind }) => ({ seq, prev, kind }))).toEqual([
      { seq: 1, prev: 0, kind: 'user_joined' },
      { seq: 2, prev: 1, kind: 'user_joined' },
      { seq: 3, prev: 0, kind: 'conversation_created' },
      { seq: 4, prev: 3, kind: 'message' },
      { seq: 5, prev: 4, kind: 'message' },
      { seq: 6, prev: 0, kind: 'message' },
    ]);
    expect(changes.slice(3).map((c) => c.message)).toEqual([first!.message, second!.message, lobby!.message]);
  });

  it('decides who may see a change when it is read: without the membership row, none of the group’s changes', async () => {
    const ann = await joinAs('ann');
    const ben = await joinAs('ben');
    const group = await store.conversations.create({ type: 'group', dmKey: null, memberIds: [ann.id, ben.id], createdAt: 1, createdBy: ann.id });
    await send(group.id, ben.id, 'while-a-member');
    // Removing a member is one row gone; catch-up reads membership as it is now.
    await db.run('DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?', [group.id, ann.id]);
    await send(group.id, ben.id, 'after-leaving');

    const head = (await store.log.bounds()).head;
    const seenByAnn = await store.log.changesFor(ann.id, 0, head, 100);
    expect(seenByAnn.filter((c) => c.conversationId === group.id)).toEqual([]);
    expect((await store.log.changesFor(ben.id, 0, head, 100)).filter((c) => c.conversationId === group.id)).toHaveLength(3);
  });

  it('shows someone added to a group only what came after the change that added them, and someone removed nothing more', async () => {
    const [ann, ben, cy] = [await joinAs('ann'), await joinAs('ben'), await joinAs('cy')];
    const group = await store.conversations.create({ type: 'group', dmKey: null, memberIds: [ann.id, ben.id], createdAt: 1, createdBy: ann.id });
    await send(group.id, ann.id, 'before');
    const added = await store.conversations.add(group.id, [cy.id, ben.id], 1, (newcomers) => ({
      userId: ann.id,
      content: 'ann added cy',
      event: { kind: 'added', users: [...newcomers] },
    }));
    expect(added.records.map(({ kind, conversationId, userId }) => ({ kind, conversationId, userId }))).toEqual([
      { kind: 'conversation_updated', conversationId: group.id, userId: undefined },
      { kind: 'conversation_created', conversationId: group.id, userId: cy.id },
      { kind: 'message', conversationId: group.id, userId: undefined },
    ]);
    expect(added.line).toMatchObject({ conversation_id: group.id, user_id: ann.id, content: 'ann added cy', event: { kind: 'added', users: [cy.id] } });
    await send(group.id, ann.id, 'after');
    const removed = await store.conversations.remove(group.id, ben.id, 1, { userId: ann.id, content: 'ann removed ben', event: { kind: 'removed', users: [ben.id] } });
    expect(removed.records.map(({ conversationId, userId }) => ({ conversationId, userId }))).toEqual([
      { conversationId: group.id, userId: undefined },
      { conversationId: null, userId: ben.id },
      { conversationId: group.id, userId: undefined },
    ]);
    await send(group.id, ann.id, 'gone');

    const head = (await store.log.bounds()).head;
    const told = async (userId: number, after = 0) =>
      (await store.log.changesFor(userId, after, head, 100)).filter((c) => c.conversationId === group.id || c.kind === 'conversation_updated').map((c) => c.message?.content ?? c.kind);
    // From before or after being added, the newcomer reads the same: the group in their own stream, then what followed.
    const sinceJoining = ['conversation_created', 'ann added cy', 'after', 'conversation_updated', 'ann removed ben', 'gone'];
    expect(await told(cy.id)).toEqual(sinceJoining);
    expect(await told(cy.id, added.records[0]!.seq - 1)).toEqual(sinceJoining);
    // Membership is read now: the one removed reads only the change in their own stream that tells them so.
    expect(await told(ben.id, added.records[1]!.seq)).toEqual(['conversation_updated']);
    const nobody = { userId: ann.id, content: 'nothing', event: { kind: 'left' as const } };
    expect(await store.conversations.remove(group.id, ben.id, 1, nobody)).toEqual({ records: [] });
    expect(await store.conversations.add(group.id, [cy.id], 1, () => nobody)).toEqual({ records: [] });
  });

  it('reads pages of any size across long stretches a user cannot see, each visible change once and in order', async () => {
    const [ann, ben, cy] = [await joinAs('ann'), await joinAs('ben'), await joinAs('cy')];
    const dm = await store.conversations.create({ type: 'dm', dmKey: `${ann.id}:${ben.id}`, memberIds: [ann.id, ben.id], createdAt: 1, createdBy: null });
    // Stretches of the others' DM with a lobby message now and then, then a dense run of lobby messages.
    const batch = (conversationId: number, prefix: string, n: number) =>
      store.messages.append(Array.from({ length: n }, (_, i) => ({ conversationId, userId: ann.id, content: `${prefix}${i}`, clientId: `${prefix}${i}`, createdAt: 1 })));
    for (let k = 0; k < 60; k++) {
      await batch(dm.id, `dm${k}-`, ((k * 7) % 37) + 1 + (k % 10 === 0 ? 400 : 0));
      await send(lobbyId, ben.id, `lobby${k}`);
    }
    await batch(lobbyId, 'run', 300);
    const head = (await store.log.bounds()).head;
    const expected = (await db.all<{ seq: number }>('SELECT seq FROM changes WHERE (user_id IS NULL OR user_id = ?) AND (conversation_id IS NULL OR conversation_id = ?) ORDER BY seq',
        cy.id,
        lobbyId,
      )).map((r) => r.seq);

    for (const page of [1, 3, 7, 200]) {
      const read: number[] = [];
      for (let after = 0; ; ) {
        const rows = await store.log.changesFor(cy.id, after, head, page);
        expect(rows.length).toBeLessThanOrEqual(page);
        read.push(...rows.map((r) => r.seq));
        if (rows.length < page) break;
        after = rows.at(-1)!.seq;
      }
      expect(read, `pages of ${page}`).toEqual(expected);
    }
  });

  it('hands changes back in seq order when many writes race, as the publisher sends them out', async () => {
    const ann = await joinAs('ann');
    const handedBack: number[] = [];
    const toggle = (state: MemberSettings): MemberSettings => ({ ...state, notify: state.notify === 'all' ? 'none' : 'all' });
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const outcome = i % 2 === 0 ? (await send(lobbyId, ann.id, `race-${i}`))[0] : await store.memberStates.update(ann.id, lobbyId, toggle, 1);
        if (typeof outcome !== 'object' || outcome.change === undefined) throw new Error('expected a change');
        handedBack.push(outcome.change.seq);
      }),
    );
    expect(handedBack).toHaveLength(40);
    expect(handedBack).toEqual([...handedBack].sort((a, b) => a - b));
  });

  it('gives a retried send back without a new change', async () => {
    const ann = await joinAs('ann');
    const [stored] = await send(lobbyId, ann.id, 'same');
    const [retried] = await send(lobbyId, ann.id, 'same');
    expect(retried).toEqual({ message: stored!.message });
    expect((await store.log.bounds()).head).toBe(stored!.change!.seq);
  });

  it('trims the oldest changes by age and by count, never the newest, and moves the horizon past them', async () => {
    const ann = await joinAs('ann', 100);
    for (let i = 0; i < 9; i++) await send(lobbyId, ann.id, `m${i}`, 100 + i);
    expect(await store.log.bounds()).toEqual({ horizon: 0, head: 10 });

    // The user joined at 100 and the messages were sent at 100 to 108: four changes are older than 103.
    expect(await store.log.trim(103, 1_000)).toBe(4);
    expect(await store.log.bounds()).toEqual({ horizon: 4, head: 10 });
    expect(await store.log.trim(0, 4)).toBe(2);
    expect(await store.log.bounds()).toEqual({ horizon: 6, head: 10 });
    expect(await store.log.trim(Number.MAX_SAFE_INTEGER, 0)).toBe(3);
    expect(await store.log.bounds()).toEqual({ horizon: 9, head: 10 });

    // After a restart the bounds are read back from what is kept.
    await store.close();
    store = await openStore({ ...db.options, synchronous: 'FULL' });
    expect(await store.log.bounds()).toEqual({ horizon: 9, head: 10 });
  });
});
