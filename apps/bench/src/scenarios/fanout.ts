import { num } from '../format.js';
import type { Options } from '../options.js';
import { valuesOf, type Figure, type ScenarioResult } from '../results.js';
import { labels, type Target } from '../targets/target.js';
import { P99_LIMIT_MS, type StepPlan } from './steps.js';
import { atRate, fairRate, loadFigures, runStepped, saturationNote, type SteppedRun } from './stepped.js';

/** (1) Fan-out: everyone in one room, a few of them sending, the rate stepped up until a server falls behind. */
export async function fanout(targets: Target[], options: Options): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const clients of options.fanout.clients) {
    const senders = Math.max(1, Math.round(clients * options.fanout.senderShare));
    const recipients = clients - 1;
    const runs = await runStepped(
      targets,
      {
        label: `fan-out ${clients}`,
        world: { users: clients, dms: false, history: 0 },
        counts: 'deliveries',
        plans: (session): StepPlan[] =>
          options.fanout.rates.map((rate, i) => ({
            step: i + 1,
            rate,
            durationMs: options.stepMs,
            recipients,
            senders: Array.from({ length: senders }, (_, client) => ({
              client,
              conversationId: session.populated.lobbyId,
              perSecond: rate / recipients / senders,
            })),
          })),
      },
      options,
    );
    results.push({ name: `fan-out ${clients}`, figures: figures(clients, runs, targets), details: { clients, senders, runs } });
  }
  return results;
}

function figures(clients: number, runs: Record<string, SteppedRun>, targets: Target[]): Figure[] {
  const scenario = `fan-out, ${num(clients)} in a room`;
  const { rate, common } = fairRate(runs);
  const load = `at ${num(rate)} deliveries/s`;
  const note = common ? {} : { note: 'not every server sustained even the first step' };
  return [
    { scenario, metric: `server CPU per delivery ${load}`, unit: 'µs', better: 'lower', values: atRate(runs, rate, (s) => s.cpuMicrosPerMessage), ...note },
    { scenario, metric: `latency p50 ${load}`, unit: 'ms', better: 'lower', values: atRate(runs, rate, (s) => s.p50Ms) },
    { scenario, metric: `latency p95 ${load}`, unit: 'ms', better: 'lower', values: atRate(runs, rate, (s) => s.p95Ms) },
    { scenario, metric: `latency p99 ${load}`, unit: 'ms', better: 'lower', values: atRate(runs, rate, (s) => s.p99Ms) },
    { scenario, metric: `lost ${load}`, unit: 'msgs', better: 'lower', values: atRate(runs, rate, (s) => s.lost), ratios: false },
    ...loadFigures(scenario, runs, rate, load),
    {
      scenario,
      metric: `highest rate sustained (p99 < ${P99_LIMIT_MS} ms, no loss)`,
      unit: 'deliveries/s',
      better: 'higher',
      values: valuesOf(runs, (r) => r.maxSustainedPerSec),
      note: ['capped by the highest step tried', saturationNote(runs, labels(targets))].filter(Boolean).join('; '),
    },
    { scenario, metric: 'peak RSS', unit: 'MB', better: 'lower', values: valuesOf(runs, (r) => r.peakRssMb) },
  ];
}
