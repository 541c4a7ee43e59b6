import { USERS_PAGE_MAX } from '@hearth/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestChat } from './support/chat.js';

let chat: TestChat;
beforeEach(async () => {
  // Past two people a sign-in names only the user's contacts.
  chat = await TestChat.start({ fullDirectoryMax: 2 });
});
afterEach(async () => {
  await chat.destroy();
});

describe('people on a server bigger than a sign-in names', () => {
  it('says the session is partial, and finds, pages and lists everyone', async () => {
    const joined = [];
    for (const name of ['ann', 'ben', 'cy', 'dee']) joined.push((await chat.join(name)).user);
    const { client, user: eli } = await chat.connect('eli');
    const everyone = [...joined, eli];
    expect(client.session?.users_partial).toBe(true);
    expect(client.session?.users).toEqual([eli]);

    expect(await client.findUsers([joined[2]!.id, 999_999, joined[0]!.id])).toEqual([joined[0], joined[2]]);
    const page = await client.listUsers({ limit: 2 });
    expect(page).toEqual({ users: everyone.slice(0, 2), has_more: true });
    expect(await client.listUsers({ after: page.users[1]!.id, limit: 2 })).toEqual({ users: everyone.slice(2, 4), has_more: true });
    expect(await client.allUsers()).toEqual(everyone);
  });

  it('finds more people than one request may name, in as many requests as it takes', async () => {
    const { client, user } = await chat.connect('ann');
    const ids = Array.from({ length: USERS_PAGE_MAX + 1 }, (_, i) => i + 1);
    expect(await client.findUsers(ids)).toEqual([user]);
  });
});
