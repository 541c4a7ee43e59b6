import { parseArgs } from 'node:util';
import type { TargetName } from './targets/target.js';

export const SCENARIOS = ['fanout', 'dms', 'idle', 'history', 'storm', 'search', 'uploads', 'cluster'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
export const TARGETS: TargetName[] = ['hearth', 'hearth-normal', 'hearth-pg', 'hearth-cluster', 'ws', 'socketio'];

export interface Options {
  preset: 'quick' | 'full' | 'smoke';
  scenarios: ScenarioName[];
  targets: TargetName[];
  /** How long each rate step sends. */
  stepMs: number;
  fanout: {
    /** Room sizes to run, each on its own. */
    clients: number[];
    /** Share of the room that sends. */
    senderShare: number;
    /** Rate steps, in deliveries per second (send rate × recipients). */
    rates: number[];
  };
  dms: { clients: number; /** Rate steps, in messages sent per second across all DMs. */ rates: number[] };
  /** Connecting stops at the deadline, so a server that takes too long shows how far it got. */
  idle: { connections: number; deadlineMs: number };
  /** Photos uploaded at once, and each one's size in bytes. */
  uploads: { photos: number; bytes: number };
  /** Stored messages in the conversation that history pages are read from, and that is searched. */
  history: { messages: number; pages: number };
  /** Searches of each kind, one after another. */
  search: { queries: number };
  storm: { connections: number };
  /** Fan-out (in a room of this many) and the DMs again, on PostgreSQL: one process, then two sharing a Redis bus. */
  cluster: { clients: number; processes: number; postgresUrl: string; redisUrl: string };
  /** Connections opening at once, across all load generators; our server refuses more than 256 unauthenticated. */
  connectConcurrency: number;
  /** Write a V8 CPU profile of our server for each scenario into this folder. */
  profileDir: string | null;
  out: string;
}

/** PostgreSQL and Redis as the development machines run them: override with --postgres and --redis. */
const BACKING = {
  processes: 2,
  postgresUrl: process.env.HEARTH_BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.HEARTH_BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
};

const presets: Record<Options['preset'], Omit<Options, 'preset' | 'scenarios' | 'targets' | 'profileDir' | 'out'>> = {
  smoke: {
    stepMs: 1_000,
    fanout: { clients: [5], senderShare: 0.4, rates: [200] },
    dms: { clients: 6, rates: [60] },
    idle: { connections: 20, deadlineMs: 30_000 },
    history: { messages: 2_000, pages: 20 },
    uploads: { photos: 4, bytes: 200_000 },
    search: { queries: 5 },
    storm: { connections: 20 },
    cluster: { clients: 6, ...BACKING },
    connectConcurrency: 8,
  },
  quick: {
    stepMs: 2_000,
    fanout: { clients: [100, 1_000], senderShare: 0.05, rates: [10_000, 25_000, 50_000, 100_000] },
    dms: { clients: 1_000, rates: [1_000, 2_500, 5_000, 10_000] },
    idle: { connections: 2_000, deadlineMs: 45_000 },
    history: { messages: 1_000_000, pages: 1_000 },
    uploads: { photos: 100, bytes: 2_000_000 },
    search: { queries: 40 },
    storm: { connections: 1_000 },
    cluster: { clients: 1_000, ...BACKING },
    connectConcurrency: 64,
  },
  full: {
    stepMs: 4_000,
    fanout: { clients: [100, 1_000], senderShare: 0.05, rates: [5_000, 10_000, 25_000, 50_000, 75_000, 100_000, 125_000, 150_000] },
    dms: { clients: 1_000, rates: [1_000, 2_500, 5_000, 7_500, 10_000, 15_000, 20_000] },
    idle: { connections: 10_000, deadlineMs: 180_000 },
    history: { messages: 1_000_000, pages: 5_000 },
    uploads: { photos: 100, bytes: 2_000_000 },
    search: { queries: 60 },
    storm: { connections: 2_000 },
    cluster: { clients: 1_000, ...BACKING },
    connectConcurrency: 64,
  },
};

const HELP = `Hearth benchmark: our server beside a raw ws server and a Socket.IO server, same load, same machine.

Usage: npm run bench -- [options]

  --quick | --full | --smoke   preset (default --full; --quick takes under 5 minutes)
  --scenarios LIST             ${SCENARIOS.join(',')} (default: all)
  --targets LIST               ${TARGETS.join(',')} (default: all; hearth-normal runs only in dms)
  --clients LIST               fan-out room sizes, e.g. 100,1000
  --rates LIST                 fan-out steps in deliveries/s
  --dm-clients N               clients in the DM scenario (two per DM)
  --dm-rates LIST              DM steps in messages/s
  --idle N                     idle authenticated connections
  --idle-deadline-s N          stop connecting idle clients after N seconds
  --history N                  stored messages in the history conversation (also the one searched)
  --pages N                    history pages read from each place
  --queries N                  searches of each kind in the search scenario
  --storm N                    connections in the connect storm
  --cluster-clients N          room size of the cluster scenario's fan-out (its DMs take --dm-clients)
  --processes N                server processes sharing the bus in the cluster scenario (default 2)
  --postgres URL               a database on a PostgreSQL server where the run may create and drop databases
                               (HEARTH_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
  --redis URL                  the Redis server the cluster scenario's bus uses (HEARTH_BENCH_REDIS_URL,
                               default redis://127.0.0.1:6379)
  --step-ms N                  duration of each rate step
  --profile-server DIR         write a CPU profile of our server per scenario (node --cpu-prof)
  --out FILE                   results file (default apps/bench/results/latest.json)
  -h, --help
`;

const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);
const numbers = (text: string) => list(text).map(positive);

function positive(text: string): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(n) || n <= 0) throw new Error(`Not a positive number: ${text}`);
  return n;
}

/** Reads the command line; null after printing help. */
export function parseOptions(argv: string[], defaultOut: string): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      smoke: { type: 'boolean' },
      scenarios: { type: 'string' },
      targets: { type: 'string' },
      clients: { type: 'string' },
      rates: { type: 'string' },
      'dm-clients': { type: 'string' },
      'dm-rates': { type: 'string' },
      idle: { type: 'string' },
      'idle-deadline-s': { type: 'string' },
      history: { type: 'string' },
      pages: { type: 'string' },
      queries: { type: 'string' },
      storm: { type: 'string' },
      'cluster-clients': { type: 'string' },
      processes: { type: 'string' },
      postgres: { type: 'string' },
      redis: { type: 'string' },
      'step-ms': { type: 'string' },
      'profile-server': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return null;
  }
  const preset = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
  const base = structuredClone(presets[preset]);
  const scenarios = values.scenarios === undefined ? [...SCENARIOS] : list(values.scenarios);
  for (const s of scenarios) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`Unknown scenario: ${s}`);
  const targets = values.targets === undefined ? [...TARGETS] : list(values.targets);
  for (const t of targets) if (!(TARGETS as string[]).includes(t)) throw new Error(`Unknown target: ${t}`);
  if (values.clients !== undefined) base.fanout.clients = numbers(values.clients);
  if (values.rates !== undefined) base.fanout.rates = numbers(values.rates);
  if (values['dm-clients'] !== undefined) base.dms.clients = positive(values['dm-clients']);
  if (values['dm-rates'] !== undefined) base.dms.rates = numbers(values['dm-rates']);
  if (values.idle !== undefined) base.idle.connections = positive(values.idle);
  if (values['idle-deadline-s'] !== undefined) base.idle.deadlineMs = positive(values['idle-deadline-s']) * 1000;
  if (values.history !== undefined) base.history.messages = positive(values.history);
  if (values.pages !== undefined) base.history.pages = positive(values.pages);
  if (values.queries !== undefined) base.search.queries = positive(values.queries);
  if (values.storm !== undefined) base.storm.connections = positive(values.storm);
  if (values['cluster-clients'] !== undefined) base.cluster.clients = positive(values['cluster-clients']);
  if (values.processes !== undefined) base.cluster.processes = positive(values.processes);
  if (values.postgres !== undefined) base.cluster.postgresUrl = values.postgres;
  if (values.redis !== undefined) base.cluster.redisUrl = values.redis;
  if (values['step-ms'] !== undefined) base.stepMs = positive(values['step-ms']);
  return {
    preset,
    scenarios: scenarios as ScenarioName[],
    targets: targets as TargetName[],
    ...base,
    profileDir: values['profile-server'] ?? null,
    out: values.out ?? defaultOut,
  };
}
