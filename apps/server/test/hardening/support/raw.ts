import WebSocket from 'ws';

export type Outcome = { frame: string } | { closed: number };

/**
 * A bare WebSocket for sending one frame at a time and reading what comes back, frame by frame,
 * with no parsing in between so the test sees exactly what the server wrote.
 */
export class RawSocket {
  private readonly inbox: Outcome[] = [];
  private waiting: ((outcome: Outcome) => void) | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.push({ frame: data.toString() }));
    ws.on('close', (code) => this.push({ closed: code }));
  }

  static open(wsUrl: string, headers: Record<string, string> = {}): Promise<RawSocket> {
    const ws = new WebSocket(wsUrl, { headers });
    const raw = new RawSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(raw));
      ws.once('error', reject);
    });
  }

  /** Opens and authenticates, returning the socket and its auth_ok frame. */
  static async signIn(wsUrl: string, token: string): Promise<{ socket: RawSocket; authOk: any }> {
    const socket = await RawSocket.open(wsUrl);
    const reply = await socket.exchange(JSON.stringify({ type: 'auth', payload: { token } }));
    if (!('frame' in reply)) throw new Error(`closed ${reply.closed} during auth`);
    const authOk = JSON.parse(reply.frame);
    if (authOk.type !== 'auth_ok') throw new Error(reply.frame);
    return { socket, authOk };
  }

  /** Sends one text frame without waiting for anything. */
  send(text: string): void {
    this.ws.send(text, { binary: false });
  }

  /** Sends one text frame and resolves with the next thing the server does. */
  exchange(text: string | Buffer, timeoutMs = 15_000): Promise<Outcome> {
    this.ws.send(text, { binary: false });
    return this.next(timeoutMs);
  }

  next(timeoutMs = 15_000): Promise<Outcome> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not answer')), timeoutMs);
      this.waiting = (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
    });
  }

  close(): void {
    this.ws.terminate();
  }

  private push(outcome: Outcome): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting !== null) waiting(outcome);
    else this.inbox.push(outcome);
  }
}
