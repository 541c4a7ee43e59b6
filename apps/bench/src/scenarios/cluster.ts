import { num } from '../format.js';
import type { Options } from '../options.js';
import type { Figure, ScenarioResult } from '../results.js';
import type { Target } from '../targets/target.js';
import { dms } from './dms.js';
import { fanout } from './fanout.js';
import { atRate, fairRate, type SteppedRun } from './stepped.js';

/**
 * (7) Past one machine: the fan-out and DM steps again, with our server on SQLite beside it on PostgreSQL, one
 * process alone and several sharing a Redis bus (each client connected to one of them in turn). The database
 * server and Redis are processes of their own, so their CPU is measured too.
 */
export async function cluster(targets: Target[], options: Options): Promise<ScenarioResult[]> {
  const room = await fanout(targets, { ...options, fanout: { ...options.fanout, clients: [options.cluster.clients] } });
  const direct = await dms(targets, options);
  return [...room, direct].map((result) => {
    const runs = (result.details as { runs: Record<string, SteppedRun> }).runs;
    const per = result.name === 'dms' ? 'message' : 'delivery';
    const figures = [...result.figures, backingFigure(result.figures[0]!.scenario, runs, per)];
    return { ...result, name: `cluster ${result.name}`, figures: figures.map((f) => ({ ...f, scenario: `on one database: ${f.scenario}` })) };
  });
}

/** The database server's and Redis's CPU per delivery or message; SQLite's work is in the server's own figure. */
function backingFigure(scenario: string, runs: Record<string, SteppedRun>, per: string): Figure {
  const { rate } = fairRate(runs);
  const unit = per === 'message' ? 'msgs/s' : 'deliveries/s';
  return {
    scenario,
    metric: `PostgreSQL and Redis CPU per ${per} at ${num(rate)} ${unit}`,
    unit: 'µs',
    better: 'lower',
    values: atRate(runs, rate, (s) => s.backingCpuMicrosPerMessage),
    note: 'every PostgreSQL and Redis process on the machine, unpinned; none for SQLite, which runs inside the server',
  };
}
