import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatError, ClientErrorCode, signInWithLink } from '../src/index.js';
import { TestChat, until } from './support/chat.js';

let chat: TestChat;
beforeEach(async () => {
  chat = await TestChat.start();
});
afterEach(async () => {
  await chat.destroy();
});

describe('devices from the client', () => {
  it('signs a second device in with a link, lists both, and signing it out closes it for good with signed_out', async () => {
    const { client: laptop, user } = await chat.connect('ann');
    const link = await laptop.createSignInLink();
    const second = await signInWithLink(link.url, 'Bot on a Pi');
    expect(second.user).toMatchObject({ id: user.id, nickname: 'ann' });
    const pi = chat.client(second.token);
    await pi.connect();

    const devices = await laptop.sessions();
    expect(devices.map((d) => d.label)).toContain('Bot on a Pi');
    expect(devices.filter((d) => d.current === true)).toHaveLength(1);
    await expect(signInWithLink(link.url)).rejects.toMatchObject({ code: 'sign_in_link_expired' } satisfies Partial<ChatError>);

    const piSession = devices.find((d) => d.label === 'Bot on a Pi')!.id;
    expect((await laptop.revokeSession(piSession)).map((d) => d.id)).not.toContain(piSession);
    await until(() => pi.state === 'closed', 'the signed-out device to close');
    expect(pi.closeReason?.code).toBe(ClientErrorCode.SignedOut);
    await expect(pi.ping()).rejects.toMatchObject({ code: ClientErrorCode.Closed } satisfies Partial<ChatError>);
    expect(laptop.state).toBe('online');
  });

  it('refuses a link that is not one, without asking the server', async () => {
    await expect(signInWithLink('https://chat.example/join/abc')).rejects.toMatchObject({ code: ClientErrorCode.InvalidUrl });
  });
});

describe('administration from the client', () => {
  it('lets the owner make an admin who deactivates a member, whose client then closes with account_deactivated', async () => {
    const { client: owner } = await chat.connect('olga');
    const { client: admin, user: ada } = await chat.connect('ada');
    const joined = await chat.join('bo');
    const bo = chat.client(joined.token);
    await bo.connect();

    expect(await owner.setRole(ada.id, 'admin')).toMatchObject({ id: ada.id, role: 'admin' });
    expect(await admin.deactivateUser(joined.user.id)).toMatchObject({ id: joined.user.id, deactivated: true });
    await until(() => bo.state === 'closed', 'the deactivated member’s client to close');
    expect(bo.closeReason?.code).toBe('account_deactivated');
    expect((await admin.members()).find((m) => m.user.id === joined.user.id)).toMatchObject({ online: false, sessions: 0 });

    const created = await admin.createInvite({ expiresIn: 3600, maxUses: 3 });
    expect(created.max_uses).toBe(3);
    const listed = await admin.setInvitePolicy('admins');
    expect(listed.policy).toBe('admins');
    expect(listed.invites[0]).toMatchObject({ code: created.code, uses: 0, max_uses: 3 });
    expect((await admin.revokeInvite(created.code)).invites[0]).toMatchObject({ revoked: true });
  });
});
