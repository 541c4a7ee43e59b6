import { Histogram } from '../histogram.js';
import { LoaderPool } from '../loader/pool.js';
import { CpuMeter, memory, type Memory } from '../proc.js';
import type { Populated, Running, Target, World } from '../targets/target.js';

/** Connections per load generator process; more are spread over more processes (all on the load core). */
const CONNECTIONS_PER_LOADER = 2_500;

export interface Connected {
  opened: number;
  failed: number;
  /** Not tried before the deadline. */
  skipped: number;
  firstError: string | null;
  wallMs: number;
  perSecond: number;
  authP50Ms: number;
  authP99Ms: number;
  /** Server CPU spent while the connections opened, per connection. */
  serverCpuMsPerConnection: number;
  loaderCoreShare: number;
}

/** A fresh server for one target with load generators ready to connect to it. */
export class Session {
  private constructor(
    readonly target: Target,
    readonly running: Running,
    readonly populated: Populated,
    readonly pool: LoaderPool,
  ) {}

  static async open(target: Target, world: World, connections: number): Promise<Session> {
    const { running, populated } = await target.start(world);
    const pool = LoaderPool.start(Math.max(1, Math.ceil(connections / CONNECTIONS_PER_LOADER)));
    return new Session(target, running, populated, pool);
  }

  /** Client g lives in loader g mod L at index ⌊g / L⌋ there. */
  where(client: number): { loader: number; local: number } {
    return { loader: client % this.pool.size, local: Math.floor(client / this.pool.size) };
  }

  /** Opens and authenticates the first `count` users, `concurrency` at a time across all loaders, until the deadline. */
  async connect(count: number, concurrency: number, deadlineMs = Number.MAX_SAFE_INTEGER): Promise<Connected> {
    const size = this.pool.size;
    const server = new CpuMeter(this.running.pids);
    const loaders = new CpuMeter(this.pool.pids);
    const started = performance.now();
    const results = await this.pool.askAll((i) => ({
      cmd: 'connect' as const,
      wire: this.target.wire,
      ...this.clientsOf(i, count),
      concurrency: Math.max(1, Math.floor(concurrency / size)),
      deadlineMs,
    }));
    const wallMs = performance.now() - started;
    const auth = new Histogram();
    for (const r of results) auth.add(r.auth);
    const opened = results.reduce((n, r) => n + r.opened, 0);
    return {
      opened,
      failed: results.reduce((n, r) => n + r.failed, 0),
      skipped: results.reduce((n, r) => n + r.skipped, 0),
      firstError: results.find((r) => r.firstError !== null)?.firstError ?? null,
      wallMs,
      perSecond: (opened * 1000) / wallMs,
      authP50Ms: auth.quantileMs(0.5),
      authP99Ms: auth.quantileMs(0.99),
      serverCpuMsPerConnection: server.read().cpuMs / Math.max(1, opened),
      loaderCoreShare: loaders.read().coreShare,
    };
  }

  /** Waits until the server and the loaders are idle (e.g. presence news has gone out), up to a limit. */
  async settle(maxMs = 60_000): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < maxMs) {
      const meter = new CpuMeter([...this.running.pids, ...this.pool.pids]);
      await sleep(300);
      if (meter.read().coreShare < 0.05) break;
    }
    return performance.now() - started;
  }

  /** The server's memory, its processes added up. */
  memory(): Memory {
    const each = this.running.pids.map(memory);
    return { rssMb: sum(each.map((m) => m.rssMb)), peakRssMb: sum(each.map((m) => m.peakRssMb)) };
  }

  /** The first `count` clients that loader i opens, each with the address of the server process it connects to. */
  private clientsOf(loader: number, count: number): { tokens: string[]; urls: string[] } {
    const { urls } = this.running;
    const tokens: string[] = [];
    const at: string[] = [];
    for (let g = loader; g < count; g += this.pool.size) {
      tokens.push(this.populated.tokens[g]!);
      at.push(urls[g % urls.length]!);
    }
    return { tokens, urls: at };
  }

  async close(): Promise<void> {
    await this.pool.close();
    await this.running.stop();
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
