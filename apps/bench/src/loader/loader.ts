import { Histogram, nowMicros } from '../histogram.js';
import { Connection, type Listener } from './connection.js';
import { content, historyFrame, Kind, readStamp, searchFrame, sendFrame, type Stamp, type Wire } from './frames.js';
import type {
  ConnectRequest,
  ConnectResult,
  HistoryRequest,
  HistoryResult,
  RunRequest,
  SearchRequest,
  SearchResult,
  RunResult,
  StepStats,
} from './messages.js';

const AUTH_TIMEOUT_MS = 60_000;
const TICK_MS = 5;

class StepCounters {
  received = 0;
  acked = 0;
  errors = 0;
  lastMicros = 0;
  readonly delivery = new Histogram();
  readonly ack = new Histogram();
}

/** Holds a load generator's connections, sends on a schedule and counts what comes back, step by step. */
export class Loader implements Listener {
  private connections: Connection[] = [];
  private wire: Wire = 'json';
  private readonly steps = new Map<number, StepCounters>();
  private currentStep = 0;
  private closed = 0;
  private sendSeq = 0;
  private readonly stamp: Stamp = { step: 0, sentMicros: 0 };
  private pending: ((kind: Kind, frame: Buffer) => void) | null = null;

  /** `id` keeps client_ids unique across load generators: our server stores one message per (sender, client_id). */
  constructor(private readonly id: string) {}

  async connect(request: ConnectRequest): Promise<ConnectResult> {
    this.wire = request.wire;
    const started = performance.now();
    const auth = new Histogram();
    let failed = 0;
    let firstError: string | null = null;
    let next = 0;
    const openOne = async (): Promise<void> => {
      while (next < request.tokens.length && performance.now() - started < request.deadlineMs) {
        const index = next++;
        const conn = new Connection(request.wire, this);
        this.connections.push(conn);
        try {
          auth.record(await conn.open(request.urls[index]!, request.tokens[index]!, AUTH_TIMEOUT_MS));
        } catch (error) {
          failed += 1;
          firstError ??= (error as Error).message;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, request.concurrency) }, openOne));
    const skipped = request.tokens.length - next;
    return { opened: next - failed, failed, skipped, firstError, wallMs: performance.now() - started, auth: auth.counts };
  }

  /** Sends at fixed rates for the step's duration (open loop: never waits for replies). */
  run(request: RunRequest): Promise<RunResult> {
    this.currentStep = request.step;
    this.counters(request.step);
    const { senders, durationMs } = request;
    const sent = new Array<number>(senders.length).fill(0);
    // Spread the senders' phases so their sends do not all fall on the same tick.
    const phase = senders.map((_, i) => i / senders.length);
    const started = performance.now();
    let total = 0;
    return new Promise((resolve) => {
      const tick = () => {
        const elapsed = Math.min(performance.now() - started, durationMs);
        for (let i = 0; i < senders.length; i++) {
          const s = senders[i]!;
          const due = Math.floor((elapsed / 1000) * s.perSecond + phase[i]!) - sent[i]!;
          const conn = this.connections[s.client]!;
          for (let k = 0; k < due; k++) {
            const seq = ++this.sendSeq;
            conn.send(sendFrame(this.wire, s.conversationId, content(request.step, nowMicros()), `${this.id}.${seq}`, seq));
          }
          if (due > 0) {
            sent[i]! += due;
            total += due;
          }
        }
        if (elapsed >= durationMs) resolve({ sent: total });
        else setTimeout(tick, TICK_MS);
      };
      tick();
    });
  }

  stats(step: number): StepStats {
    const c = this.counters(step);
    return {
      received: c.received,
      acked: c.acked,
      errors: c.errors,
      lastMicros: c.lastMicros,
      delivery: c.delivery.counts,
      ack: c.ack.counts,
      closed: this.closed,
    };
  }

  /** Reads pages one after another from the first connection and times each round trip. */
  async history(request: HistoryRequest): Promise<HistoryResult> {
    const conn = this.connections[0]!;
    const latency = new Histogram();
    let errors = 0;
    let messages = 0;
    for (const before of request.pages) {
      const seq = ++this.sendSeq;
      const reply = new Promise<{ kind: Kind; frame: Buffer }>((resolve) => (this.pending = (kind, frame) => resolve({ kind, frame })));
      const started = nowMicros();
      conn.send(historyFrame(request.conversationId, before ?? undefined, request.limit, seq));
      const { kind, frame } = await reply;
      latency.record(nowMicros() - started);
      if (kind !== Kind.History) errors += 1;
      else messages += (JSON.parse(frame.toString()) as { payload: { messages: unknown[] } }).payload.messages.length;
    }
    return { pages: request.pages.length, errors, messages, latency: latency.counts };
  }

  /** Searches one after another from the first connection and times each round trip. */
  async search(request: SearchRequest): Promise<SearchResult> {
    const conn = this.connections[0]!;
    const latency = new Histogram();
    let errors = 0;
    const found: number[] = [];
    for (const query of request.queries) {
      const reply = new Promise<{ kind: Kind; frame: Buffer }>((resolve) => (this.pending = (kind, frame) => resolve({ kind, frame })));
      const started = nowMicros();
      conn.send(searchFrame(query, ++this.sendSeq));
      const { kind, frame } = await reply;
      latency.record(nowMicros() - started);
      if (kind !== Kind.Search) errors += 1;
      found.push(kind === Kind.Search ? (JSON.parse(frame.toString()) as { payload: { messages: unknown[] } }).payload.messages.length : 0);
    }
    return { queries: request.queries.length, errors, found, latency: latency.counts };
  }

  close(): { closed: number } {
    for (const conn of this.connections) conn.close();
    this.connections = [];
    return { closed: this.closed };
  }

  onFrame(_conn: Connection, kind: Kind, frame: Buffer): void {
    if (this.pending !== null && (kind === Kind.History || kind === Kind.Search || kind === Kind.Error)) {
      const pending = this.pending;
      this.pending = null;
      return pending(kind, frame);
    }
    if (kind === Kind.Delivery || kind === Kind.Ack) {
      const stamp = readStamp(frame, this.stamp);
      if (stamp === null) return;
      const c = this.counters(stamp.step);
      const now = nowMicros();
      const micros = now - stamp.sentMicros;
      c.lastMicros = now;
      if (kind === Kind.Delivery) {
        c.received += 1;
        c.delivery.record(micros);
      } else {
        c.acked += 1;
        c.ack.record(micros);
      }
    } else if (kind === Kind.Error) {
      this.counters(this.currentStep).errors += 1;
    }
  }

  onClose(): void {
    this.closed += 1;
  }

  private counters(step: number): StepCounters {
    let c = this.steps.get(step);
    if (c === undefined) this.steps.set(step, (c = new StepCounters()));
    return c;
  }
}
