import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PushNotification } from '@hearth/protocol';
import ece from 'http_ece';

/**
 * A push service on loopback: records what it is sent, answers each endpoint with the status a test sets (a
 * redirect to `/push/elsewhere`), counts the TCP connections opened to it, and can hold its answers until let go.
 */
export class PushService {
  readonly received: { path: string; body: Buffer; headers: Record<string, string | string[] | undefined> }[] = [];
  readonly status = new Map<string, number>();
  connections = 0;
  /** Requests being answered now, and the most there ever were at once. */
  inFlight = 0;
  mostInFlight = 0;
  /** While set, answers wait here until `release`. */
  holding = false;
  private held: Array<() => void> = [];
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.inFlight++;
      this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ path: req.url!, body: Buffer.concat(chunks), headers: req.headers });
        const answer = () => {
          this.inFlight--;
          const status = this.status.get(req.url!) ?? 201;
          res.writeHead(status, status >= 300 && status < 400 ? { Location: '/push/elsewhere' } : {}).end();
        };
        if (this.holding) this.held.push(answer);
        else answer();
      });
    });
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Answers every request held so far. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const answer of held) answer();
  }

  waiting(): number {
    return this.held.length;
  }

  to(path: string) {
    return this.received.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A browser's side of a push subscription: the keys the server encrypts for, and the decryption a browser does. */
export class Device {
  readonly ecdh: ECDH = createECDH('prime256v1');
  readonly auth = randomBytes(16).toString('base64url');
  readonly keys: { p256dh: string; auth: string };

  constructor(
    readonly endpoint: string,
    readonly path: string,
  ) {
    this.ecdh.generateKeys();
    this.keys = { p256dh: this.ecdh.getPublicKey().toString('base64url'), auth: this.auth };
  }

  read(body: Buffer): PushNotification {
    return JSON.parse(ece.decrypt(body, { version: 'aes128gcm', privateKey: this.ecdh, authSecret: this.auth }).toString('utf8')) as PushNotification;
  }
}
