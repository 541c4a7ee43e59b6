import { Histogram, nowMicros } from '../histogram.js';
import type { Sender, StepStats } from '../loader/messages.js';
import { LOAD_CORE, machine, SERVER_CORE } from '../machine.js';
import { CoreMeter, CpuMeter, GroupMeter } from '../proc.js';
import { sleep, type Session } from './session.js';

/** A step passes when nothing is lost or refused and p99 latency stays under this. */
export const P99_LIMIT_MS = 50;
/** The search index is polled this often after a step, for at most this long. */
const INDEX_POLL_MS = 2;
const INDEX_WAIT_MAX_MS = 30_000;
const SATURATED_SHARE = 0.9;
const DRAIN_POLL_MS = 100;
const DRAIN_IDLE_MS = 1_000;
const DRAIN_MAX_MS = 10_000;

export interface StepPlan {
  step: number;
  /** The step's nominal rate, as the scenario counts it. */
  rate: number;
  durationMs: number;
  /** Global client index, conversation and rate of each sender. */
  senders: { client: number; conversationId: number; perSecond: number }[];
  /** Other clients that receive each message. */
  recipients: number;
}

export interface StepOutcome {
  sent: number;
  acked: number;
  expected: number;
  received: number;
  lost: number;
  errors: number;
  /** Connections the server closed during the step (slow consumers). */
  closed: number;
  /** From the first send to the last arrival, at least the step's duration. */
  windowMs: number;
  deliveredPerSec: number;
  ackedPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  ackP50Ms: number;
  ackP99Ms: number;
  serverCpuMs: number;
  /** CPU of the database server and bus the server leans on, when they are processes of their own. */
  backingCpuMs: number;
  serverCoreShare: number;
  loaderCoreShare: number;
  /** Share of the server's core and of the load core taken by processes not ours (NaN when not pinned). */
  othersOnServerCore: number;
  othersOnLoadCore: number;
  passed: boolean;
  /** The load core was (nearly) full: the step measured the load generator as much as the server. */
  loaderSaturated: boolean;
  /** Tries it took (a failed step is tried again). */
  attempts: number;
  /** From the step's last acknowledgement or delivery until the search index had read every change (ours on SQLite); NaN elsewhere. */
  indexCaughtUpMs: number;
}

/** Sends at the plan's rates for its duration, waits for the stragglers, and sums up what every loader saw. */
export async function runStep(session: Session, plan: StepPlan): Promise<StepOutcome> {
  const perLoader: Sender[][] = Array.from({ length: session.pool.size }, () => []);
  for (const s of plan.senders) {
    const { loader, local } = session.where(s.client);
    perLoader[loader]!.push({ client: local, conversationId: s.conversationId, perSecond: s.perSecond });
  }
  const closedBefore = (await collect(session, plan.step)).closed;
  const server = new CpuMeter(session.running.pids);
  const backing = new GroupMeter(() => session.running.backing());
  const loaders = new CpuMeter(session.pool.pids);
  const serverCore = new CoreMeter(SERVER_CORE);
  const loadCore = new CoreMeter(LOAD_CORE);
  const startedMicros = nowMicros();
  const runs = await session.pool.askAll((i) => ({ cmd: 'run' as const, step: plan.step, durationMs: plan.durationMs, senders: perLoader[i]! }));
  const sent = runs.reduce((n, r) => n + r.sent, 0);
  const expected = sent * plan.recipients;

  let stats = await collect(session, plan.step);
  let lastProgress = performance.now();
  const drainStarted = performance.now();
  while ((stats.received < expected || stats.acked < sent) && performance.now() - drainStarted < DRAIN_MAX_MS) {
    if (performance.now() - lastProgress > DRAIN_IDLE_MS) break;
    await sleep(DRAIN_POLL_MS);
    const next = await collect(session, plan.step);
    if (next.received > stats.received || next.acked > stats.acked) lastProgress = performance.now();
    stats = next;
  }
  const serverCpu = server.read();
  const backingCpu = backing.read();
  const loaderCpu = loaders.read();
  const indexCaughtUpMs = await indexCatchUp(session);

  const windowMs = Math.max(plan.durationMs, (stats.lastMicros - startedMicros) / 1000);
  const delivery = new Histogram(stats.delivery);
  const ack = new Histogram(stats.ack);
  const lost = Math.max(0, expected - stats.received) + Math.max(0, sent - stats.acked);
  const closed = stats.closed - closedBefore;
  const outcome: StepOutcome = {
    sent,
    acked: stats.acked,
    expected,
    received: stats.received,
    lost,
    errors: stats.errors,
    closed,
    windowMs,
    deliveredPerSec: (stats.received * 1000) / windowMs,
    ackedPerSec: (stats.acked * 1000) / windowMs,
    p50Ms: delivery.quantileMs(0.5),
    p95Ms: delivery.quantileMs(0.95),
    p99Ms: delivery.quantileMs(0.99),
    ackP50Ms: ack.quantileMs(0.5),
    ackP99Ms: ack.quantileMs(0.99),
    serverCpuMs: serverCpu.cpuMs,
    backingCpuMs: backingCpu.cpuMs,
    serverCoreShare: serverCpu.coreShare,
    loaderCoreShare: loaderCpu.coreShare,
    othersOnServerCore: machine.pinned ? serverCore.othersShare(serverCpu.cpuMs) : Number.NaN,
    othersOnLoadCore: machine.pinned ? loadCore.othersShare(loaderCpu.cpuMs) : Number.NaN,
    passed: false,
    loaderSaturated: false,
    attempts: 1,
    indexCaughtUpMs,
  };
  outcome.loaderSaturated = loaderCpu.coreShare + (Number.isNaN(outcome.othersOnLoadCore) ? 0 : outcome.othersOnLoadCore) > SATURATED_SHARE;
  const p99 = Math.max(outcome.p99Ms, outcome.ackP99Ms);
  outcome.passed = sent > 0 && lost === 0 && stats.errors === 0 && closed === 0 && p99 < P99_LIMIT_MS;
  return outcome;
}

/** How long after now the server's search index has read every change, polled; NaN for a server without one. */
async function indexCatchUp(session: Session): Promise<number> {
  const behind = session.running.indexBehind;
  if (behind === undefined) return Number.NaN;
  const started = performance.now();
  while (behind() > 0 && performance.now() - started < INDEX_WAIT_MAX_MS) await sleep(INDEX_POLL_MS);
  return performance.now() - started;
}

/** What every loader has counted for a step so far, added up. */
async function collect(session: Session, step: number): Promise<StepStats> {
  const all = await session.pool.askAll(() => ({ cmd: 'stats' as const, step }));
  const delivery = new Histogram();
  const ack = new Histogram();
  for (const s of all) {
    delivery.add(s.delivery);
    ack.add(s.ack);
  }
  return {
    received: all.reduce((n, s) => n + s.received, 0),
    acked: all.reduce((n, s) => n + s.acked, 0),
    errors: all.reduce((n, s) => n + s.errors, 0),
    lastMicros: Math.max(...all.map((s) => s.lastMicros)),
    closed: all.reduce((n, s) => n + s.closed, 0),
    delivery: delivery.counts,
    ack: ack.counts,
  };
}
