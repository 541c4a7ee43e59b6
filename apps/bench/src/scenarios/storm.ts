import { num, pct, progress } from '../format.js';
import type { Options } from '../options.js';
import { valuesOf, type Figure, type ScenarioResult } from '../results.js';
import type { Target, TargetName } from '../targets/target.js';
import { Session, type Connected } from './session.js';

/** (5) Connect storm: everyone reconnects at once (e.g. after a restart); authenticated connections per second. */
export async function storm(targets: Target[], options: Options): Promise<ScenarioResult> {
  const connections = options.storm.connections;
  const runs: Partial<Record<TargetName, Connected>> = {};
  for (const target of targets) {
    const session = await Session.open(target, { users: connections, dms: false, history: 0 }, connections);
    try {
      await session.settle();
      const c = await session.connect(connections, options.connectConcurrency);
      runs[target.name] = c;
      progress(
        `storm ${num(connections)} · ${target.label}: ${num(c.opened)} in ${num(c.wallMs / 1000)} s = ${num(c.perSecond)}/s, ` +
          `auth p50 ${num(c.authP50Ms)} ms, p99 ${num(c.authP99Ms)} ms, ${num(c.serverCpuMsPerConnection)} ms server CPU each, ` +
          `load generator ${pct(c.loaderCoreShare)}${c.failed > 0 ? `, ${c.failed} failed: ${c.firstError}` : ''}`,
      );
    } finally {
      await session.close();
    }
  }
  const scenario = `connect storm, ${num(connections)} at ${options.connectConcurrency} at a time`;
  const saturated = targets.filter((t) => runs[t.name]!.loaderCoreShare > 0.9).map((t) => t.label);
  const note =
    saturated.length === 0
      ? {}
      : { note: `the load generator used over 90% of its core for ${saturated.join(', ')}` };
  const figures: Figure[] = [
    { scenario, metric: 'authenticated connections per second', unit: 'conn/s', better: 'higher', values: valuesOf(runs, (c) => c.perSecond), ...note },
    { scenario, metric: 'open → authenticated p50', unit: 'ms', better: 'lower', values: valuesOf(runs, (c) => c.authP50Ms) },
    { scenario, metric: 'open → authenticated p99', unit: 'ms', better: 'lower', values: valuesOf(runs, (c) => c.authP99Ms) },
    { scenario, metric: 'server CPU per connection', unit: 'ms', better: 'lower', values: valuesOf(runs, (c) => c.serverCpuMsPerConnection) },
    { scenario, metric: 'failed connections', unit: 'connections', better: 'lower', values: valuesOf(runs, (c) => c.failed), ratios: false },
    { scenario, metric: 'load generator CPU', unit: '% core', better: 'lower', values: valuesOf(runs, (c) => c.loaderCoreShare * 100), ratios: false },
  ];
  return { name: 'storm', figures, details: { connections, concurrency: options.connectConcurrency, runs } };
}
