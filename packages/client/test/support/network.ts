import { connect, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket;
  stalled: boolean;
}

/**
 * A TCP proxy in front of the server that misbehaves on request, the way real networks do: it cuts
 * connections, refuses new ones, goes silent without closing anything, or loses one reply in transit.
 */
export class FlakyNetwork {
  private readonly pairs = new Set<Pair>();
  private refusing = false;
  private loss: { pattern: RegExp; lost: () => void } | undefined;

  private constructor(
    private readonly proxy: Server,
    private readonly targetPort: number,
  ) {
    proxy.on('connection', (client) => this.accept(client));
  }

  static async start(targetPort: number): Promise<FlakyNetwork> {
    const proxy = createServer();
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    return new FlakyNetwork(proxy, targetPort);
  }

  get wsUrl(): string {
    const address = this.proxy.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy is not listening');
    return `ws://127.0.0.1:${address.port}/ws`;
  }

  /** Cuts every open connection and refuses new ones until heal(). */
  cut(): void {
    this.refusing = true;
    for (const pair of this.pairs) destroy(pair);
  }

  heal(): void {
    this.refusing = false;
  }

  /** The open connections stop carrying bytes but stay open: a dead network, not a closed connection. */
  stall(): void {
    for (const pair of this.pairs) pair.stalled = true;
  }

  /** The next server frame that matches is lost, and its connection with it. Resolves once that happened. */
  loseNext(pattern: RegExp): Promise<void> {
    return new Promise((lost) => (this.loss = { pattern, lost }));
  }

  /** Delivers a text frame to every client as if the server had sent it. Call it while the line is quiet. */
  inject(text: string): void {
    const payload = Buffer.from(text);
    if (payload.length > 125) throw new Error('inject only short frames');
    const frame = Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
    for (const pair of this.pairs) pair.client.write(frame);
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) destroy(pair);
    await new Promise((resolve) => this.proxy.close(resolve));
  }

  private accept(client: Socket): void {
    if (this.refusing) return void client.destroy();
    const pair: Pair = { client, upstream: connect(this.targetPort, '127.0.0.1'), stalled: false };
    this.pairs.add(pair);
    client.on('data', (chunk) => pair.stalled || pair.upstream.write(chunk));
    pair.upstream.on('data', (chunk: Buffer) => this.fromServer(pair, chunk));
    for (const socket of [client, pair.upstream]) {
      socket.on('error', () => destroy(pair));
      socket.on('close', () => {
        destroy(pair);
        this.pairs.delete(pair);
      });
    }
  }

  private fromServer(pair: Pair, chunk: Buffer): void {
    if (pair.stalled) return;
    const loss = this.loss;
    if (loss !== undefined && loss.pattern.test(chunk.toString('latin1'))) {
      this.loss = undefined;
      destroy(pair);
      return loss.lost();
    }
    pair.client.write(chunk);
  }
}

function destroy(pair: Pair): void {
  pair.client.destroy();
  pair.upstream.destroy();
}
