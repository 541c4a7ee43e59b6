import type { ChatClient, ChatError } from '@hearth/client';
import { ErrorCode, isAdmin, type Invite, type InvitePolicy, type User } from '@hearth/protocol';

/** Where an invite stands: only an active one lets someone in. */
export type InviteStatus = 'active' | 'expired' | 'used up' | 'revoked';

export function inviteStatus(invite: Invite, now = Date.now() / 1000): InviteStatus {
  if (invite.revoked) return 'revoked';
  if (invite.max_uses !== undefined && invite.uses >= invite.max_uses) return 'used up';
  if (invite.expires_at !== undefined && invite.expires_at <= now) return 'expired';
  return 'active';
}

/** Who may make invites, the ones this person made that still work, and making one. */
export class Invites {
  /** As the server said at sign-in, or as heard (or set by this admin) since. */
  policy = $state<InvitePolicy>('everyone');
  /** When only admins may invite, members are not offered what the server would refuse. */
  readonly mayInvite = $derived.by(() => this.policy !== 'admins' || isAdmin(this.me()));
  /**
   * The invites this person made that still let someone in, newest first; null until listed. Offered again rather
   * than a new one made each time, so that links handed out and not yet used do not pile up.
   */
  mine = $state.raw<Invite[] | null>(null);

  constructor(
    private readonly client: ChatClient,
    private readonly me: () => User,
  ) {}

  /** Asks the server for this person's invites (an admin's list holds everyone's: only their own are kept). */
  async listMine(): Promise<void> {
    const { invites, policy } = await this.client.invites();
    this.policy = policy;
    const me = this.me().id;
    this.mine = invites.filter((invite) => invite.created_by === me && inviteStatus(invite) === 'active');
  }

  /**
   * A fresh invite link to hand to someone, added to `mine`. A member is refused with `forbidden` when only admins
   * may invite: the policy changed since sign-in, and the page stops offering it.
   */
  async create(options?: Parameters<ChatClient['createInvite']>[0]): ReturnType<ChatClient['createInvite']> {
    try {
      const created = await this.client.createInvite(options);
      const invite: Invite = { ...created, created_by: this.me().id, created_at: Math.floor(Date.now() / 1000), uses: 0 };
      if (this.mine !== null) this.mine = [invite, ...this.mine];
      return created;
    } catch (error) {
      if ((error as ChatError).code === ErrorCode.Forbidden) this.policy = 'admins';
      throw error;
    }
  }
}
