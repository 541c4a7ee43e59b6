import { num, pct, progress } from '../format.js';
import type { Options } from '../options.js';
import type { Figure } from '../results.js';
import type { Target, TargetName, World } from '../targets/target.js';
import { Session, type Connected } from './session.js';
import type { StepOutcome, StepPlan } from './steps.js';
import { stepUpTogether, type Contender } from './together.js';

export interface SteppedStep extends StepOutcome {
  rate: number;
  /** Server CPU per delivered (fan-out) or acknowledged (DMs) message. */
  cpuMicrosPerMessage: number;
  /** The same for the database server and bus, when they are processes of their own. */
  backingCpuMicrosPerMessage: number;
}

export interface SteppedRun {
  connect: Connected;
  steps: SteppedStep[];
  /** Throughput at the highest step passed; 0 if none passed. */
  maxSustainedPerSec: number;
  peakRssMb: number;
}

export interface SteppedSpec {
  /** Names the scenario in progress lines. */
  label: string;
  world: World;
  /** What a step's throughput counts. */
  counts: 'deliveries' | 'acknowledgements';
  plans(session: Session): StepPlan[];
}

interface Entry extends Contender {
  target: Target;
  connect: Connected;
}

/** Starts every target, connects its clients, then steps all of them up together. */
export async function runStepped(targets: Target[], spec: SteppedSpec, options: Options): Promise<Record<string, SteppedRun>> {
  const entries: Entry[] = [];
  try {
    for (const target of targets) entries.push(await prepare(target, spec, options));
    await stepUpTogether(entries, (c, plan, o) => progress(line(spec, (c as Entry).target, plan, o)));
    const runs: Partial<Record<TargetName, SteppedRun>> = {};
    for (const e of entries) {
      const steps = e.outcomes.map((o, i) => ({
        ...o,
        rate: e.plans[i]!.rate,
        cpuMicrosPerMessage: perMessage(spec, o, o.serverCpuMs),
        backingCpuMicrosPerMessage: perMessage(spec, o, o.backingCpuMs),
      }));
      const best = steps.filter((s) => s.passed).pop();
      runs[e.target.name] = {
        connect: e.connect,
        steps,
        maxSustainedPerSec: best === undefined ? 0 : spec.counts === 'deliveries' ? best.deliveredPerSec : best.ackedPerSec,
        peakRssMb: e.session.memory().peakRssMb,
      };
    }
    return runs;
  } finally {
    for (const e of entries) await e.session.close();
  }
}

async function prepare(target: Target, spec: SteppedSpec, options: Options): Promise<Entry> {
  const session = await Session.open(target, spec.world, spec.world.users);
  try {
    const connect = await session.connect(spec.world.users, options.connectConcurrency);
    if (connect.failed > 0) throw new Error(`${target.label}: ${connect.failed} connections failed: ${connect.firstError}`);
    await session.settle();
    return { target, session, connect, plans: spec.plans(session), outcomes: [] };
  } catch (error) {
    await session.close();
    throw error;
  }
}

/** CPU milliseconds spent over the step, in microseconds per delivered or acknowledged message. */
function perMessage(spec: SteppedSpec, o: StepOutcome, cpuMs: number): number {
  return (cpuMs * 1000) / Math.max(1, spec.counts === 'deliveries' ? o.received : o.acked);
}

function line(spec: SteppedSpec, target: Target, plan: StepPlan, o: StepOutcome): string {
  const throughput = spec.counts === 'deliveries' ? `delivered ${num(o.deliveredPerSec)}/s` : `acknowledged ${num(o.ackedPerSec)}/s`;
  const latency = spec.counts === 'deliveries' ? `p50 ${num(o.p50Ms)} ms, p99 ${num(o.p99Ms)} ms` : `ack p50 ${num(o.ackP50Ms)} ms, p99 ${num(o.ackP99Ms)} ms`;
  return (
    `${spec.label} · ${target.label} · ${num(plan.rate)}/s: ${throughput}, lost ${num(o.lost)}, ${latency}, ` +
    `${num(perMessage(spec, o, o.serverCpuMs))} µs CPU per message${backing(spec, o)}; server ${pct(o.serverCoreShare)} of its core (others ${pct(o.othersOnServerCore)}), ` +
    `load ${pct(o.loaderCoreShare)} (others ${pct(o.othersOnLoadCore)})${o.loaderSaturated ? ', load core full' : ''}${o.passed ? '' : ' ✗'}`
  );
}

function backing(spec: SteppedSpec, o: StepOutcome): string {
  return o.backingCpuMs > 0 ? ` (PostgreSQL and Redis ${num(perMessage(spec, o, o.backingCpuMs))} µs)` : '';
}

/**
 * The fair comparison is at a load every server carries: the highest rate all of them passed, else the first rate
 * (then `common` is false). Our NORMAL-durability variant is shown where it ran but does not hold the comparison back.
 */
export function fairRate(runs: Record<string, SteppedRun>): { rate: number; common: boolean } {
  const judged = Object.entries(runs)
    .filter(([name]) => name !== 'hearth-normal')
    .map(([, run]) => run);
  const rates = judged[0]!.steps.map((s) => s.rate);
  const common = [...rates].reverse().find((rate) => judged.every((r) => r.steps.some((s) => s.rate === rate && s.passed)));
  return common === undefined ? { rate: rates[0]!, common: false } : { rate: common, common: true };
}

/** A note naming the servers whose last step ran with the load core nearly full (our loaders plus others), if any. */
export function saturationNote(runs: Record<string, SteppedRun>, labels: Record<string, string>): string | null {
  const limited = Object.entries(runs)
    .filter(([, run]) => run.steps.at(-1)?.loaderSaturated === true)
    .map(([name]) => labels[name] ?? name);
  return limited.length === 0 ? null : `the load core was nearly full at the last step for ${limited.join(', ')}: the ceiling may be the load generator's`;
}

/** How busy the load generator and everything else were at a rate: seen, so a crowded machine is not mistaken for a slow server. */
export function loadFigures(scenario: string, runs: Record<string, SteppedRun>, rate: number, load: string): Figure[] {
  return [
    { scenario, metric: `load generator CPU ${load}`, unit: '% core', better: 'lower', values: atRate(runs, rate, (s) => s.loaderCoreShare * 100), ratios: false },
    {
      scenario,
      metric: `others' CPU on the server core ${load}`,
      unit: '% core',
      better: 'lower',
      values: atRate(runs, rate, (s) => s.othersOnServerCore * 100),
      ratios: false,
    },
  ];
}

/** One figure's values: each target's pick from its step at the given rate. */
export function atRate(runs: Record<string, SteppedRun>, rate: number, pick: (s: SteppedStep) => number): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(runs).map(([name, run]) => {
      const step = run.steps.find((s) => s.rate === rate);
      return [name, step === undefined ? null : pick(step)];
    }),
  );
}
