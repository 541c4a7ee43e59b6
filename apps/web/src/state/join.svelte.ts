import { checkNickname, ErrorCode } from '@hearth/protocol';
import { ChatError, checkInvite, joinWithInvite } from '../lib/api.js';
import type { StoredSession } from '../lib/session.js';
import { attemptFailed } from '../lib/attempts.js';

/** Where the invite stands: still being checked, ready to redeem, or why it cannot be. */
export type InviteState = 'checking' | 'available' | 'not_found' | 'used' | 'expired' | 'revoked' | 'unreachable';

/** Redeeming an invite: check it, pick a nickname, join. */
export class JoinFlow {
  invite = $state<InviteState>('checking');
  nickname = $state('');
  /** Why the last attempt to join failed, in words for the person joining. */
  problem = $state<string | null>(null);
  submitting = $state(false);

  constructor(
    readonly code: string,
    private readonly onJoined: (session: StoredSession) => void,
  ) {}

  async check(): Promise<void> {
    this.invite = 'checking';
    const result = await checkInvite(this.code);
    this.invite = result.ok ? 'available' : inviteStateOf(result.code);
  }

  async join(): Promise<void> {
    const checked = checkNickname(this.nickname);
    if (!checked.ok) {
      this.problem = checked.message;
      return;
    }
    this.submitting = true;
    this.problem = null;
    try {
      const { user, token } = await joinWithInvite(this.code, checked.nickname);
      this.onJoined({ user, token });
    } catch (error) {
      this.refused(error instanceof ChatError ? error : undefined, checked.nickname);
    } finally {
      this.submitting = false;
    }
  }

  private refused(error: ChatError | undefined, nickname: string): void {
    switch (error?.code) {
      case ErrorCode.NicknameTaken:
        this.problem = `Someone here is already called “${nickname}”. Try another nickname.`;
        return;
      case ErrorCode.NicknameConfusable:
        this.problem = `“${nickname}” looks too much like someone else’s nickname here. Try another.`;
        return;
      case ErrorCode.InvalidNickname:
        this.problem = error.message;
        return;
      case ErrorCode.InviteUsed:
      case ErrorCode.InviteExpired:
      case ErrorCode.InviteRevoked:
      case ErrorCode.InviteNotFound:
        this.invite = inviteStateOf(error.code);
        return;
      default:
        this.problem = attemptFailed(error);
    }
  }
}

function inviteStateOf(code: string): InviteState {
  if (code === ErrorCode.InviteUsed) return 'used';
  if (code === ErrorCode.InviteExpired) return 'expired';
  if (code === ErrorCode.InviteRevoked) return 'revoked';
  if (code === ErrorCode.InviteNotFound) return 'not_found';
  return 'unreachable';
}
