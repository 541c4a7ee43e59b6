import { ChatError, ClientErrorCode, type ChatClient, type ClientState } from '@hearth/client';

/** How this page is connected: the client's state, and what the browser says of its network. */
export class Connection {
  state = $state<ClientState>('idle');
  /** The browser says it has a network. */
  networkUp = $state(navigator.onLine);
  /** This page has been connected at least once: not being connected now means the connection was lost. */
  connectedOnce = $state(false);
  /** This person chose to sign out: the server's closing the connection is expected, not news. */
  private leaving = false;

  constructor(private readonly client: ChatClient) {}

  get online(): boolean {
    return this.state === 'online';
  }

  /** Follows the browser's `online` and `offline` events until the returned function is called. */
  watchNetwork(): () => void {
    window.addEventListener('online', this.networkBack);
    window.addEventListener('offline', this.networkGone);
    return () => {
      window.removeEventListener('online', this.networkBack);
      window.removeEventListener('offline', this.networkGone);
    };
  }

  changed(state: ClientState): void {
    this.state = state;
    if (state === 'online') this.connectedOnce = true;
  }

  /**
   * Signs this device out on the server too, so its token stops working. Without a connection it is only forgotten
   * here, and stays in the device list until signed out from another device. True when the server agreed.
   */
  async signOut(): Promise<boolean> {
    this.leaving = true;
    const id = this.client.session?.session_id;
    if (id === undefined || !this.online) return false;
    // The server answers, then closes this connection as signed out; either says it is done.
    return this.client.revokeSession(id).then(
      () => true,
      (error: ChatError) => error.code === ClientErrorCode.SignedOut,
    );
  }

  /**
   * Why the server closed the connection for good after the first sign-in (the first one's refusal rejects
   * `connect`): this device was signed out elsewhere, the account deactivated, or its token refused on reconnecting.
   * Undefined when that is no news: this person signed out, or the page was never connected.
   */
  endedForGood(): ChatError | undefined {
    if (this.leaving || !this.connectedOnce) return undefined;
    return this.client.closeReason ?? new ChatError(ClientErrorCode.Closed, 'The server closed the connection');
  }

  /** Skips the wait before the next attempt to reconnect ("Reconnect now"). */
  reconnectNow(): void {
    this.client.reconnectNow();
  }

  private readonly networkBack = (): void => {
    this.networkUp = true;
    this.client.reconnectNow();
  };

  private readonly networkGone = (): void => {
    this.networkUp = false;
    this.client.connectionLost();
  };
}
