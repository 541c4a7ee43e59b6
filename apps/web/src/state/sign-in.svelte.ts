import { ErrorCode, SIGN_IN_LINK_TTL_S, type User } from '@hearth/protocol';
import { ChatError, checkSignInLink, signInWithCode } from '../lib/api.js';
import type { StoredSession } from '../lib/session.js';
import { attemptFailed } from '../lib/attempts.js';

/** Where a sign-in link stands: still being checked, ready to use, or why it cannot be. */
export type SignInLinkState = 'checking' | 'available' | 'not_found' | 'expired' | 'deactivated' | 'unreachable';

/** Signing this browser in through a link made on another of the person's devices (or by an admin, to recover). */
export class SignInFlow {
  link = $state<SignInLinkState>('checking');
  /** Whom the link signs in as, once checked. */
  user = $state.raw<User | null>(null);
  /** When the link stops working, by this browser's clock (ms). */
  deadline = $state(0);
  /** Why the last attempt failed, in words for the person signing in. */
  problem = $state<string | null>(null);
  submitting = $state(false);

  constructor(
    readonly code: string,
    private readonly onSignedIn: (session: StoredSession) => void,
  ) {}

  async check(): Promise<void> {
    this.link = 'checking';
    const result = await checkSignInLink(this.code);
    if (!result.ok) {
      this.link = linkStateOf(result.code);
      return;
    }
    this.user = result.link.user;
    // The server's clock and this one may differ; a link never lasts longer than the protocol's time.
    const left = Math.min(result.link.expires_at * 1000 - Date.now(), SIGN_IN_LINK_TTL_S * 1000);
    this.deadline = Date.now() + Math.max(0, left);
    this.link = 'available';
  }

  async signIn(): Promise<void> {
    this.submitting = true;
    this.problem = null;
    try {
      const { user, token } = await signInWithCode(this.code);
      this.onSignedIn({ user, token });
    } catch (error) {
      this.refused(error instanceof ChatError ? error : undefined);
    } finally {
      this.submitting = false;
    }
  }

  private refused(error: ChatError | undefined): void {
    switch (error?.code) {
      case ErrorCode.SignInLinkNotFound:
      case ErrorCode.SignInLinkExpired:
      case ErrorCode.AccountDeactivated:
        this.link = linkStateOf(error.code);
        return;
      default:
        this.problem = attemptFailed(error);
    }
  }
}

function linkStateOf(code: string): SignInLinkState {
  if (code === ErrorCode.SignInLinkNotFound) return 'not_found';
  if (code === ErrorCode.SignInLinkExpired) return 'expired';
  if (code === ErrorCode.AccountDeactivated) return 'deactivated';
  return 'unreachable';
}
