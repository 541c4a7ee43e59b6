import type { ChatClient, ChatError } from '@hearth/client';
import type { Device } from '@hearth/protocol';

/** The requests about this person's devices and, for admins, the server's members, invites and bots. */
export type AccountRequests = Pick<
  ChatClient,
  | 'sessions' | 'revokeSession' | 'revokeOtherSessions' | 'createSignInLink' | 'members' | 'setRole' | 'deactivateUser' | 'reactivateUser'
  | 'invites' | 'revokeInvite' | 'setInvitePolicy' | 'createInvite' | 'createBot' | 'rotateBotKey' | 'createWebhook' | 'webhooks' | 'deleteWebhook' | 'setBotEndpoint'
>;

/** This person's signed-in devices as the server lists them, this one first, and signing the others out. */
export class Devices {
  /** Null until the server has answered. */
  list = $state.raw<Device[] | null>(null);
  problem = $state<string | null>(null);
  /** The device being signed out, or `others` for all of them, while the server is asked. */
  pending = $state<number | 'others' | null>(null);

  constructor(private readonly requests: Pick<AccountRequests, 'sessions' | 'revokeSession' | 'revokeOtherSessions'>) {}

  get others(): Device[] {
    return (this.list ?? []).filter((device) => !device.current);
  }

  get current(): Device | undefined {
    return this.list?.find((device) => device.current);
  }

  refresh(): Promise<void> {
    return this.ask(null, () => this.requests.sessions(), 'Could not list your devices');
  }

  /** Signs one of the other devices out: its token stops working and its open page says so. */
  signOut(id: number): Promise<void> {
    return this.ask(id, () => this.requests.revokeSession(id), 'Could not sign that device out');
  }

  signOutOthers(): Promise<void> {
    return this.ask('others', () => this.requests.revokeOtherSessions(), 'Could not sign the other devices out');
  }

  private async ask(pending: Devices['pending'], request: () => Promise<Device[]>, failure: string): Promise<void> {
    this.pending = pending;
    this.problem = null;
    try {
      this.list = await request();
    } catch (error) {
      this.problem = `${failure}: ${(error as ChatError).message}`;
    } finally {
      this.pending = null;
    }
  }
}
