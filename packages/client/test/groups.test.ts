import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatError } from '../src/index.js';
import { TestChat, until } from './support/chat.js';

let chat: TestChat;
beforeEach(async () => {
  chat = await TestChat.start();
});
afterEach(async () => {
  await chat.destroy();
});

describe('managing a group from the client', () => {
  it('renames it, adds and removes people, and forgets a group the user is no longer in', async () => {
    const { client: ann } = await chat.connect('ann');
    const { client: ben, user: benUser } = await chat.connect('ben');
    const { client: cy, user: cyUser } = await chat.connect('cy');
    const group = await ann.createGroup([benUser.id]);
    const renamedFor: string[] = [];
    ann.on('conversation_updated', ({ payload }) => renamedFor.push(payload.conversation.title ?? ''));

    expect(await ben.renameGroup(group.id, ' Trip ')).toMatchObject({ id: group.id, title: 'Trip', created_by: group.created_by });
    await until(() => renamedFor.includes('Trip'), 'ann to hear the new name');

    const grown = await ben.addMembers(group.id, [cyUser.id]);
    expect(grown.members.map((m) => m.id)).toContain(cyUser.id);
    await until(() => cy.memberState(group.id) !== undefined, 'cy to hear of the group');

    const shrunk = await ann.removeMember(group.id, cyUser.id);
    expect(shrunk.members.map((m) => m.id)).not.toContain(cyUser.id);
    await until(() => cy.memberState(group.id) === undefined, 'cy to forget the group');

    const left = await ben.leaveConversation(group.id);
    expect(left.members.map((m) => m.id)).not.toContain(benUser.id);
    expect(ben.memberState(group.id)).toBeUndefined();
    await expect(ben.renameGroup(group.id, 'Back')).rejects.toMatchObject({ code: 'conversation_not_found' } satisfies Partial<ChatError>);
  });
});
