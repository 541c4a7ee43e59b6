import type { ChatError } from '@hearth/client';
import type { Invite, InvitePolicy, Member, ServerPayload, User, Webhook } from '@hearth/protocol';
import type { ChatState } from './chat.svelte.js';

export { inviteStatus, type InviteStatus } from './invites.svelte.js';

/**
 * The administration panel's state: members and invites as the server lists them (asked again on opening and after
 * each act), who may invite, and the admins' acts on them. A refusal is kept in `problem` for the panel to show.
 */
export class Administration {
  private listed = $state.raw<Member[] | null>(null);
  invites = $state.raw<Invite[] | null>(null);
  /** Incoming webhooks, newest first; null until listed. */
  webhooks = $state.raw<Webhook[] | null>(null);
  /** Older invites remain to be listed ("Load more"). */
  moreInvites = $state(false);
  problem = $state<string | null>(null);
  /** What an act is under way for (a user id or an invite code), so its buttons wait. */
  pending = $state<number | string | null>(null);

  constructor(private readonly chat: ChatState) {}

  /**
   * Members in order of joining. A role given or an account deactivated reaches every page as `user_updated`, so the
   * chat's copy of each user is newer than the list's, and who is online is the chat's to say.
   */
  readonly members: Member[] | null = $derived(
    this.listed?.map((member) => ({
      ...member,
      user: this.chat.people.users.get(member.user.id) ?? member.user,
      online: this.chat.people.isOnline(member.user.id),
    })) ?? null,
  );

  get policy(): InvitePolicy {
    return this.chat.invites.policy;
  }

  refresh(): Promise<void> {
    return Promise.all([this.refreshMembers(), this.refreshInvites(), this.refreshWebhooks()]).then(() => undefined);
  }

  async refreshMembers(): Promise<void> {
    await this.act(null, async () => void (this.listed = await this.chat.account.members()), 'Could not list the members');
  }

  async refreshInvites(): Promise<void> {
    await this.act(null, async () => this.showInvites(await this.chat.account.invites()), 'Could not list the invites');
  }

  /** The page of invites after those listed, added to the end of the list. */
  async loadMoreInvites(): Promise<void> {
    const last = this.invites?.at(-1);
    if (last === undefined) return;
    await this.act('more', async () => {
      const page = await this.chat.account.invites({ before: last.code });
      this.invites = [...(this.invites ?? []), ...page.invites];
      this.moreInvites = page.has_more ?? false;
    }, 'Could not list more invites');
  }

  deactivate(user: User): Promise<boolean> {
    return this.actOn(user, () => this.chat.account.deactivateUser(user.id), `Could not deactivate ${user.nickname}`);
  }

  reactivate(user: User): Promise<boolean> {
    return this.actOn(user, () => this.chat.account.reactivateUser(user.id), `Could not reactivate ${user.nickname}`);
  }

  /** The owner's: makes a member an admin, or an admin a member again. */
  setRole(user: User, role: 'admin' | 'member'): Promise<boolean> {
    return this.actOn(user, () => this.chat.account.setRole(user.id, role), `Could not change ${user.nickname}'s role`);
  }

  /** The reply lists the first page again: the invite is marked where it is, so pages loaded further down stay. */
  /** The bots among the members, in order of making. */
  readonly bots: Member[] | null = $derived(this.members?.filter((member) => member.user.role === 'bot') ?? null);

  /** A new bot with its key, shown once; undefined if the server refused (the reason is in `problem`). */
  async createBot(nickname: string): Promise<ServerPayload<'bot_key'> | undefined> {
    let made: ServerPayload<'bot_key'> | undefined;
    const done = await this.act('new-bot', async () => void (made = await this.chat.account.createBot(nickname)), 'Could not make the bot');
    if (done) await this.refreshMembers();
    return made;
  }

  /** A bot's new key, shown once: its old key stops working at once. */
  async rotateBotKey(user: User): Promise<ServerPayload<'bot_key'> | undefined> {
    let made: ServerPayload<'bot_key'> | undefined;
    await this.act(user.id, async () => void (made = await this.chat.account.rotateBotKey(user.id)), `Could not give ${user.nickname} a new key`);
    return made;
  }

  async refreshWebhooks(): Promise<void> {
    await this.act(null, async () => void (this.webhooks = await this.chat.account.webhooks()), 'Could not list the webhooks');
  }

  /** A webhook's URL, shown once; undefined if the server refused (the reason is in `problem`). */
  async createWebhook(bot: User, conversationId: number): Promise<string | undefined> {
    let url: string | undefined;
    const done = await this.act(bot.id, async () => void (url = (await this.chat.account.createWebhook(bot.id, conversationId)).url), `Could not make a webhook for ${bot.nickname}`);
    if (done) await this.refreshWebhooks();
    return url;
  }

  /** Where the bot is told of mentions and DMs; the secret its requests are signed with, shown once. */
  async setBotEndpoint(bot: User, url: string): Promise<string | undefined> {
    let secret: string | undefined;
    await this.act(bot.id, async () => void (secret = (await this.chat.account.setBotEndpoint(bot.id, url)).secret), `Could not set where ${bot.nickname} is told of messages`);
    return secret;
  }

  deleteWebhook(webhook: Webhook): Promise<boolean> {
    return this.act(webhook.bot_id, async () => void (this.webhooks = await this.chat.account.deleteWebhook(webhook.id)), 'Could not delete the webhook');
  }

  revokeInvite(code: string): Promise<boolean> {
    return this.act(code, async () => {
      const { policy } = await this.chat.account.revokeInvite(code);
      this.invites = this.invites?.map((invite) => (invite.code === code ? { ...invite, revoked: true } : invite)) ?? null;
      this.chat.invites.policy = policy;
    }, 'Could not revoke the invite');
  }

  setPolicy(policy: InvitePolicy): Promise<boolean> {
    return this.act('policy', async () => this.showInvites(await this.chat.account.setInvitePolicy(policy)), 'Could not change who may invite');
  }

  /** A new invite, shown at the top of the list; undefined if the server refused (the reason is in `problem`). */
  async createInvite(expiresIn: number, maxUses: number): Promise<ServerPayload<'invite_created'> | undefined> {
    let created: ServerPayload<'invite_created'> | undefined;
    const made = await this.act('new', async () => void (created = await this.chat.invites.create({ expiresIn, maxUses })), 'Could not create an invite');
    if (made) await this.refreshInvites();
    return created;
  }

  /** The user as changed reaches the chat as `user_updated` too; the list is asked again for its device counts. */
  private async actOn(user: User, request: () => Promise<User>, failure: string): Promise<boolean> {
    const done = await this.act(user.id, async () => void this.chat.people.join(await request()), failure);
    if (done) await this.refreshMembers();
    return done;
  }

  private showInvites({ invites, policy, has_more }: ServerPayload<'invites'>): void {
    this.invites = invites;
    this.moreInvites = has_more ?? false;
    this.chat.invites.policy = policy;
  }

  private async act(pending: Administration['pending'], request: () => Promise<void>, failure: string): Promise<boolean> {
    this.pending = pending;
    this.problem = null;
    try {
      await request();
      return true;
    } catch (error) {
      this.problem = `${failure}: ${(error as ChatError).message}`;
      return false;
    } finally {
      this.pending = null;
    }
  }
}
