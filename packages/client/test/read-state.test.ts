import { mentionToken } from '@hearth/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestChat, until } from './support/chat.js';

let chat: TestChat;
beforeEach(async () => {
  chat = await TestChat.start();
});
afterEach(async () => {
  await chat.destroy();
});

describe('read state in the client', () => {
  it('counts unread messages and mentions, and follows the marker moved on another device', async () => {
    const alice = await chat.join('alice');
    const { client: bob } = await chat.connect('bob');
    const dm = await bob.createDm(alice.user.id);
    const [phone, laptop] = [chat.client(alice.token), chat.client(alice.token)];
    await Promise.all([phone.connect(), laptop.connect()]);

    await bob.sendMessage(dm.id, 'are you there?');
    await bob.sendMessage(dm.id, `${mentionToken(alice.user.id)} dinner?`);
    const third = await bob.sendMessage(dm.id, 'at 8');
    for (const device of [phone, laptop]) await until(() => device.memberState(dm.id)?.unread === 3, 'three unread');
    expect(laptop.memberState(dm.id)).toMatchObject({ unread: 3, mentions: 1, last_read_id: 0, notify: 'all' });

    const marked = await phone.markRead(dm.id, third.id);
    expect(marked).toMatchObject({ last_read_id: third.id, unread: 0, mentions: 0 });
    await until(() => laptop.memberState(dm.id)?.unread === 0, 'the laptop to learn the marker');
    expect(laptop.memberState(dm.id)?.last_read_id).toBe(third.id);

    await bob.sendMessage(dm.id, 'one more');
    for (const device of [phone, laptop]) await until(() => device.memberState(dm.id)?.unread === 1, 'one unread');
    // Bob's own messages are never unread to him.
    expect(bob.memberState(dm.id)?.unread).toBe(0);
  });

  it('counts each message once after a reconnect, whether the sign-in or the catch-up told it', async () => {
    const alice = await chat.join('alice');
    const { client: bob } = await chat.connect('bob');
    const dm = await bob.createDm(alice.user.id);
    const laptop = chat.client(alice.token);
    await laptop.connect();
    await bob.sendMessage(dm.id, 'before the laptop slept');
    await until(() => laptop.memberState(dm.id)?.unread === 1, 'one unread');
    const cursor = laptop.cursor;
    laptop.close();

    const phone = chat.client(alice.token);
    await phone.connect();
    const seen = await bob.sendMessage(dm.id, 'seen on the phone');
    await phone.markRead(dm.id, seen.id);
    await bob.sendMessage(dm.id, `${mentionToken(alice.user.id)} not yet seen`);
    await bob.sendMessage(dm.id, 'nor this');

    // The laptop wakes with its old cursor: the catch-up brings the three messages since, and the marker the phone moved.
    const woken = chat.client(alice.token, { cursor });
    const heard: number[] = [];
    woken.on('message', (event) => heard.push(event.payload.id));
    await woken.connect();
    await until(() => heard.length === 3, 'the catch-up');
    expect(woken.memberState(dm.id)).toMatchObject({ last_read_id: seen.id, unread: 2, mentions: 1 });
  });

  it('does not count a group change line, live or caught up, where a message said beside it counts', async () => {
    const alice = await chat.join('alice');
    const { client: bob } = await chat.connect('bob');
    const { client: cat } = await chat.connect('cat');
    const group = await bob.createGroup([alice.user.id]);
    const laptop = chat.client(alice.token);
    await laptop.connect();
    const lines: number[] = [];
    laptop.on('message', (event) => event.payload.event !== undefined && lines.push(event.payload.id));
    const cursor = laptop.cursor;

    await bob.renameGroup(group.id, 'Supper');
    await bob.addMembers(group.id, [cat.session!.user.id]);
    await bob.sendMessage(group.id, 'at 8');
    await until(() => lines.length === 2 && laptop.memberState(group.id)?.unread === 1, 'two lines heard, one message counted');
    laptop.close();

    const woken = chat.client(alice.token, { cursor });
    await woken.connect();
    await until(() => woken.memberState(group.id) !== undefined, 'the group to be known');
    expect(woken.memberState(group.id)).toMatchObject({ unread: 1, mentions: 0 });
  });

  it('sets what notifies, for every device', async () => {
    const alice = await chat.join('alice');
    const [phone, laptop] = [chat.client(alice.token), chat.client(alice.token)];
    await Promise.all([phone.connect(), laptop.connect()]);
    const lobby = phone.session!.conversations[0]!.id;
    expect(phone.memberState(lobby)?.notify).toBe('mentions');
    await phone.setNotify(lobby, 'all');
    await until(() => laptop.memberState(lobby)?.notify === 'all', 'the laptop to learn the level');
  });
});
