import type { ChatClient, ChatError } from '@hearth/client';
import { ErrorCode, isAdmin, type InvitePolicy, type User } from '@hearth/protocol';

/** Who may make invites, and making one. */
export class Invites {
  /** As the server said at sign-in, or as heard (or set by this admin) since. */
  policy = $state<InvitePolicy>('everyone');
  /** When only admins may invite, members are not offered what the server would refuse. */
  readonly mayInvite = $derived.by(() => this.policy !== 'admins' || isAdmin(this.me()));

  constructor(
    private readonly client: ChatClient,
    private readonly me: () => User,
  ) {}

  /**
   * A fresh invite link to hand to someone. A member is refused with `forbidden` when only admins may invite: the
   * policy changed since sign-in, and the page stops offering it.
   */
  async create(options?: Parameters<ChatClient['createInvite']>[0]): ReturnType<ChatClient['createInvite']> {
    try {
      return await this.client.createInvite(options);
    } catch (error) {
      if ((error as ChatError).code === ErrorCode.Forbidden) this.policy = 'admins';
      throw error;
    }
  }
}
