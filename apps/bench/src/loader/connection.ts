import WebSocket, { type RawData } from 'ws';
import { nowMicros } from '../histogram.js';
import { classify, Kind, type Wire } from './frames.js';

export interface Listener {
  onFrame(conn: Connection, kind: Kind, frame: Buffer): void;
  onClose(conn: Connection): void;
}

const AUTH_OK = '{"type":"auth_ok"';

/** One client socket: authenticates, then hands every frame, already sorted by kind, to the listener. */
export class Connection {
  private ws: WebSocket | null = null;
  private closing = false;

  constructor(
    readonly wire: Wire,
    private readonly listener: Listener,
  ) {}

  /** Opens and authenticates; resolves with the time that took in microseconds. */
  open(url: string, token: string, timeoutMs: number): Promise<number> {
    const started = nowMicros();
    const target = this.wire === 'json' ? url : `${url}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(target, { perMessageDeflate: false, skipUTF8Validation: true });
    this.ws = ws;
    return new Promise((resolve, reject) => {
      const fail = (reason: string) => {
        clearTimeout(timer);
        ws.removeAllListeners('message');
        ws.terminate();
        reject(new Error(reason));
      };
      const timer = setTimeout(() => fail('timed out authenticating'), timeoutMs);
      ws.on('error', (error) => fail(error.message));
      ws.on('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode}`));
      ws.on('close', () => {
        if (!this.closing) this.listener.onClose(this);
      });
      const authenticated = () => {
        clearTimeout(timer);
        ws.removeAllListeners('message');
        ws.removeAllListeners('error');
        ws.on('error', () => undefined);
        ws.on('message', (data) => this.onMessage(data as Buffer));
        resolve(nowMicros() - started);
      };
      if (this.wire === 'json') {
        ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', payload: { token }, id: 'auth' })));
        ws.on('message', (data: RawData) => {
          const text = data.toString();
          if (text.startsWith(AUTH_OK)) authenticated();
          else fail(`refused: ${text.slice(0, 200)}`);
        });
      } else {
        // Engine.io "open" (0), then Socket.IO CONNECT with the auth payload (40), answered by CONNECT (40) or an error (44).
        ws.on('message', (data: RawData) => {
          const text = data.toString();
          if (text.startsWith('0')) ws.send(`40${JSON.stringify({ token })}`);
          else if (text.startsWith('40')) authenticated();
          else if (text === '2') ws.send('3');
          else fail(`refused: ${text.slice(0, 200)}`);
        });
      }
    });
  }

  send(text: string): void {
    this.ws?.send(text);
  }

  close(): void {
    this.closing = true;
    this.ws?.terminate();
  }

  private onMessage(frame: Buffer): void {
    const kind = classify(this.wire, frame);
    if (kind === Kind.Ping) return this.ws!.send('3');
    this.listener.onFrame(this, kind, frame);
  }
}
