import { num } from '../format.js';
import type { Options } from '../options.js';
import { valuesOf, type Figure, type ScenarioResult } from '../results.js';
import { labels, type Target } from '../targets/target.js';
import { P99_LIMIT_MS, type StepPlan } from './steps.js';
import { atRate, fairRate, loadFigures, runStepped, saturationNote, type SteppedRun } from './stepped.js';

/** (2) Many DMs: everyone sends in their own DM, so storage and validation are the cost, not fan-out. */
export async function dms(targets: Target[], options: Options): Promise<ScenarioResult> {
  const clients = options.dms.clients - (options.dms.clients % 2);
  const runs = await runStepped(
    targets,
    {
      label: `dms ${clients}`,
      world: { users: clients, dms: true, history: 0 },
      counts: 'acknowledgements',
      plans: (session): StepPlan[] =>
        options.dms.rates.map((rate, i) => ({
          step: i + 1,
          rate,
          durationMs: options.stepMs,
          recipients: 1,
          senders: Array.from({ length: clients }, (_, client) => ({
            client,
            conversationId: session.populated.dmIds[Math.floor(client / 2)]!,
            perSecond: rate / clients,
          })),
        })),
    },
    options,
  );
  return { name: 'dms', figures: figures(clients, runs, targets), details: { clients, runs } };
}

const finite = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? null : value);

function figures(clients: number, runs: Record<string, SteppedRun>, targets: Target[]): Figure[] {
  const scenario = `${num(clients)} clients in ${num(clients / 2)} DMs, all sending`;
  const { rate, common } = fairRate(runs);
  const load = `at ${num(rate)} msgs/s`;
  const first = Object.values(runs)[0]!.steps[0]!.rate;
  const note = common ? {} : { note: 'not every server sustained even the first step' };
  return [
    {
      scenario,
      metric: `highest rate acknowledged (p99 < ${P99_LIMIT_MS} ms, no loss)`,
      unit: 'msgs/s',
      better: 'higher',
      values: valuesOf(runs, (r) => r.maxSustainedPerSec),
      note: ['ours stores each message before acknowledging it; the baselines store nothing', saturationNote(runs, labels(targets))]
        .filter(Boolean)
        .join('; '),
    },
    { scenario, metric: `server CPU per message ${load}`, unit: 'µs', better: 'lower', values: atRate(runs, rate, (s) => s.cpuMicrosPerMessage), ...note },
    {
      scenario,
      metric: `server CPU per message at ${num(first)} msgs/s, the first step`,
      unit: 'µs',
      better: 'lower',
      values: atRate(runs, first, (s) => s.cpuMicrosPerMessage),
      note: 'a light load, where each event-loop turn carries few messages and sharing commits helps least',
    },
    { scenario, metric: `acknowledgement p50 ${load}`, unit: 'ms', better: 'lower', values: atRate(runs, rate, (s) => s.ackP50Ms) },
    { scenario, metric: `acknowledgement p99 ${load}`, unit: 'ms', better: 'lower', values: atRate(runs, rate, (s) => s.ackP99Ms) },
    { scenario, metric: `delivery p99 ${load}`, unit: 'ms', better: 'lower', values: atRate(runs, rate, (s) => s.p99Ms) },
    {
      scenario,
      metric: 'search index caught up after the last acknowledgement, at the highest rate passed',
      unit: 'ms',
      better: 'lower',
      values: Object.fromEntries(Object.entries(runs).map(([name, run]) => [name, finite(run.steps.filter((s) => s.passed).at(-1)?.indexCaughtUpMs)])),
      note: 'ours indexes each message after it is acknowledged, beside the send path; the time it trails the sends by',
      only: (['hearth', 'hearth-normal'] as const).filter((name) => name in runs),
    },
    ...loadFigures(scenario, runs, rate, load),
  ];
}
