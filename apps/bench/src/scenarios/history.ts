import { Histogram } from '../histogram.js';
import { num, progress } from '../format.js';
import type { Options } from '../options.js';
import type { Figure, ScenarioResult } from '../results.js';
import type { Target } from '../targets/target.js';
import { CpuMeter } from '../proc.js';
import { Session } from './session.js';

const PAGE = 50;

interface Reads {
  pages: number;
  errors: number;
  messages: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuMicrosPerPage: number;
}

/** (4) History: pages of 50 from the newest end and from deep inside a conversation of many stored messages. */
export async function history(targets: Target[], options: Options): Promise<ScenarioResult> {
  const { messages, pages } = options.history;
  const details: Record<string, unknown> = { messages, pages };
  const figures: Figure[] = [];
  const scenario = `history, ${num(messages)} messages`;
  for (const target of targets) {
    const seeding = performance.now();
    const session = await Session.open(target, { users: 2, dms: false, history: messages }, 1);
    const seedSec = (performance.now() - seeding) / 1000;
    try {
      const connect = await session.connect(1, 1);
      if (connect.failed > 0) throw new Error(`${target.label}: could not connect: ${connect.firstError}`);
      const { firstMessageId, lastMessageId } = session.populated;
      const span = lastMessageId - firstMessageId;
      // Ids drawn from the middle 80% of the conversation: far from both ends, out of any cache of recent pages.
      const deep = () => firstMessageId + Math.floor(span * (0.1 + 0.8 * Math.random()));
      await read(session, Array.from({ length: Math.min(200, pages) }, (_, i) => (i % 2 ? null : deep())));
      const newest = await read(session, Array.from({ length: pages }, () => null));
      const inside = await read(session, Array.from({ length: pages }, deep));
      details[target.name] = { seedSec, authMs: connect.authP50Ms, newest, inside };
      progress(
        `history ${num(messages)} · ${target.label}: newest p50 ${num(newest.p50Ms)} ms p99 ${num(newest.p99Ms)} ms, ` +
          `deep p50 ${num(inside.p50Ms)} ms p99 ${num(inside.p99Ms)} ms, ${num(inside.serverCpuMicrosPerPage)} µs server CPU per page, ` +
          `auth ${num(connect.authP50Ms)} ms`,
      );
      const v = (value: number) => ({ [target.name]: value });
      figures.push(
        { scenario, metric: 'newest page p50', unit: 'ms', better: 'lower', values: v(newest.p50Ms) },
        { scenario, metric: 'newest page p99', unit: 'ms', better: 'lower', values: v(newest.p99Ms) },
        { scenario, metric: 'page deep inside p50', unit: 'ms', better: 'lower', values: v(inside.p50Ms) },
        { scenario, metric: 'page deep inside p99', unit: 'ms', better: 'lower', values: v(inside.p99Ms) },
        { scenario, metric: 'server CPU per page', unit: 'µs', better: 'lower', values: v((newest.serverCpuMicrosPerPage + inside.serverCpuMicrosPerPage) / 2) },
        { scenario, metric: 'open → authenticated', unit: 'ms', better: 'lower', values: v(connect.authP50Ms), note: 'auth_ok carries the newest message id' },
        { scenario, metric: 'pages refused or short', unit: 'pages', better: 'lower', values: v(shortPages(newest) + shortPages(inside)), ratios: false },
      );
    } finally {
      await session.close();
    }
  }
  return { name: 'history', figures, details };
}

/** Every page read lies deep enough to be full. */
function shortPages(reads: Reads): number {
  return reads.errors + Math.ceil((reads.pages * PAGE - reads.messages) / PAGE);
}

async function read(session: Session, before: (number | null)[]): Promise<Reads> {
  const server = new CpuMeter(session.running.pids);
  const result = await session.pool.ask(0, {
    cmd: 'history',
    conversationId: session.populated.lobbyId,
    pages: before,
    limit: PAGE,
  });
  const latency = new Histogram(result.latency);
  return {
    pages: result.pages,
    errors: result.errors,
    messages: result.messages,
    p50Ms: latency.quantileMs(0.5),
    p99Ms: latency.quantileMs(0.99),
    serverCpuMicrosPerPage: (server.read().cpuMs * 1000) / Math.max(1, result.pages),
  };
}
