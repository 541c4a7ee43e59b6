import { SEARCH_PAGE_DEFAULT } from '@hearth/protocol';
import { Histogram } from '../histogram.js';
import { num, progress } from '../format.js';
import type { SearchPayload } from '../loader/frames.js';
import type { Options } from '../options.js';
import { CpuMeter } from '../proc.js';
import type { Figure, ScenarioResult } from '../results.js';
import type { Populated, Target } from '../targets/target.js';
import { Session } from './session.js';

/** Senders of the stored history, taking turns: one of them wrote 1% of it. */
const SENDERS = 100;
/** A word every stored message holds. */
const COMMON = 'chat';

interface Kind {
  name: string;
  /** One query of this kind, and how many messages it must find. */
  query(populated: Populated, messages: number): { payload: SearchPayload; expect: number };
}

const anyIndex = (messages: number) => Math.floor(Math.random() * messages);
const anySender = (populated: Populated) => populated.userIds[Math.floor(Math.random() * SENDERS)]!;

/**
 * The kinds of query measured. Message j holds the word j, found once; the common word is in every message, so those
 * queries fill a page. The conversation filter is the case where SQLite, left to choose, would walk the lobby's
 * index and test every one of its messages.
 */
const KINDS: Kind[] = [
  { name: 'common word, everywhere', query: () => ({ payload: { query: COMMON }, expect: SEARCH_PAGE_DEFAULT }) },
  { name: 'rare word, everywhere', query: (_, n) => ({ payload: { query: String(anyIndex(n)) }, expect: 1 }) },
  {
    name: 'common word, in the lobby',
    query: (p) => ({ payload: { query: COMMON, conversation_id: p.lobbyId }, expect: SEARCH_PAGE_DEFAULT }),
  },
  {
    name: 'rare word, in the lobby',
    query: (p, n) => ({ payload: { query: String(anyIndex(n)), conversation_id: p.lobbyId }, expect: 1 }),
  },
  {
    name: 'common word, from one sender',
    query: (p) => ({ payload: { query: COMMON, user_id: anySender(p) }, expect: SEARCH_PAGE_DEFAULT }),
  },
  {
    name: 'rare word, from its sender',
    query: (p, n) => {
      const j = anyIndex(n);
      return { payload: { query: String(j), user_id: p.userIds[j % SENDERS]! }, expect: 1 };
    },
  },
  {
    // As the web app asks while the word is typed.
    name: 'start of the common word (cha*, chat*)',
    query: () => ({ payload: { query: `${COMMON.slice(0, Math.random() < 0.5 ? 3 : 4)}*` }, expect: SEARCH_PAGE_DEFAULT }),
  },
];

interface Measured {
  p50Ms: number;
  p99Ms: number;
  /** Refused, or finding other than they should. */
  wrong: number;
}

/** (6) Search: each kind of query, one after another, over a conversation of many stored messages (ours only). */
export async function search(targets: Target[], options: Options): Promise<ScenarioResult> {
  const { messages } = options.history;
  const { queries } = options.search;
  const details: Record<string, unknown> = { messages, queries, senders: SENDERS };
  const figures: Figure[] = [];
  const scenario = `search, ${num(messages)} messages`;
  for (const target of targets) {
    const seeding = performance.now();
    const session = await Session.open(target, { users: SENDERS, dms: false, history: messages }, 1);
    const seedSec = (performance.now() - seeding) / 1000;
    try {
      const connect = await session.connect(1, 1);
      if (connect.failed > 0) throw new Error(`${target.label}: could not connect: ${connect.firstError}`);
      const { populated } = session;
      // A few of each kind first, so every kind meets warm caches.
      await measure(session, KINDS.flatMap((kind) => Array.from({ length: 5 }, () => kind.query(populated, messages))));
      const all = new Histogram();
      const server = new CpuMeter(session.running.pids);
      const byKind: Record<string, Measured> = {};
      for (const kind of KINDS) {
        const { measured, latency } = await measure(session, Array.from({ length: queries }, () => kind.query(populated, messages)));
        all.add(latency);
        byKind[kind.name] = measured;
      }
      const cpuMicrosPerSearch = (server.read().cpuMs * 1000) / (queries * KINDS.length);
      const wrong = Object.values(byKind).reduce((sum, m) => sum + m.wrong, 0);
      details[target.name] = { seedSec, byKind, p50Ms: all.quantileMs(0.5), p99Ms: all.quantileMs(0.99), cpuMicrosPerSearch };
      progress(
        `search ${num(messages)} · ${target.label}: ` +
          Object.entries(byKind).map(([name, m]) => `${name} p50 ${num(m.p50Ms)} p99 ${num(m.p99Ms)} ms`).join(', ') +
          `; all p99 ${num(all.quantileMs(0.99))} ms, ${num(cpuMicrosPerSearch)} µs server CPU per search, ${wrong} wrong`,
      );
      const v = (value: number) => ({ [target.name]: value });
      for (const [name, m] of Object.entries(byKind)) {
        figures.push(
          { scenario, metric: `${name} p50`, unit: 'ms', better: 'lower', values: v(m.p50Ms) },
          { scenario, metric: `${name} p99`, unit: 'ms', better: 'lower', values: v(m.p99Ms) },
        );
      }
      figures.push(
        { scenario, metric: 'every search p50', unit: 'ms', better: 'lower', values: v(all.quantileMs(0.5)) },
        { scenario, metric: 'every search p99', unit: 'ms', better: 'lower', values: v(all.quantileMs(0.99)) },
        { scenario, metric: 'server CPU per search', unit: 'µs', better: 'lower', values: v(cpuMicrosPerSearch) },
        { scenario, metric: 'searches refused or finding wrongly', unit: 'searches', better: 'lower', values: v(wrong), ratios: false },
      );
    } finally {
      await session.close();
    }
  }
  return { name: 'search', figures, details };
}

async function measure(session: Session, asked: { payload: SearchPayload; expect: number }[]): Promise<{ measured: Measured; latency: Histogram }> {
  const result = await session.pool.ask(0, { cmd: 'search', queries: asked.map((q) => q.payload) });
  const latency = new Histogram(result.latency);
  const wrong = asked.filter((q, i) => result.found[i] !== q.expect).length;
  return { measured: { p50Ms: latency.quantileMs(0.5), p99Ms: latency.quantileMs(0.99), wrong }, latency };
}
