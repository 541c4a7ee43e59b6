import type { ChatError } from '@hearth/client';
import { SIGN_IN_LINK_TTL_S, type ServerPayload } from '@hearth/protocol';
import type { AccountRequests } from './devices.svelte.js';

/**
 * A one-time link that signs a device in, for this person's next device or (admins) to let a member back in: made on
 * request, counted down while it is shown, made anew once it has expired.
 */
export class SignInLinkMaker {
  link = $state.raw<ServerPayload<'sign_in_link'> | null>(null);
  problem = $state<string | null>(null);
  making = $state(false);
  /** When the link stops working, by this browser's clock (ms). */
  private deadline = $state(0);
  private now = $state(Date.now());

  constructor(
    private readonly requests: Pick<AccountRequests, 'createSignInLink'>,
    /** Whom the link signs in as; this person when left out. */
    private readonly userId?: number,
  ) {}

  /** Milliseconds until the link expires; 0 once it has. */
  get left(): number {
    return Math.max(0, this.deadline - this.now);
  }

  get expired(): boolean {
    return this.link !== null && this.left === 0;
  }

  async make(): Promise<void> {
    this.making = true;
    this.problem = null;
    try {
      const link = await this.requests.createSignInLink(this.userId);
      // Counted from now rather than from `expires_at`: the link was made this moment, for the protocol's time, and
      // this browser's clock may be minutes off the server's.
      this.now = Date.now();
      this.deadline = this.now + SIGN_IN_LINK_TTL_S * 1000;
      this.link = link;
    } catch (error) {
      this.problem = `Could not make a sign-in link: ${(error as ChatError).message}`;
    } finally {
      this.making = false;
    }
  }

  /** Moves the countdown on; the panel showing the link calls it every second. */
  tick(): void {
    this.now = Date.now();
  }
}
