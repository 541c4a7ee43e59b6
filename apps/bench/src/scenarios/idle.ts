import { num, progress } from '../format.js';
import type { Options } from '../options.js';
import { valuesOf, type Figure, type ScenarioResult } from '../results.js';
import type { Target, TargetName } from '../targets/target.js';
import { Session, type Connected } from './session.js';

interface TargetRun {
  connect: Connected;
  /** How long the server and loaders took to go quiet after the last connection authenticated. */
  settleMs: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  kbPerConnection: number;
  peakRssMb: number;
}

/** (3) Idle authenticated connections: what holding one costs the server in memory. */
export async function idle(targets: Target[], options: Options): Promise<ScenarioResult> {
  const connections = options.idle.connections;
  const runs: Partial<Record<TargetName, TargetRun>> = {};
  for (const target of targets) {
    const session = await Session.open(target, { users: connections, dms: false, history: 0 }, connections);
    try {
      await session.settle();
      const before = session.memory();
      const connect = await session.connect(connections, options.connectConcurrency, options.idle.deadlineMs);
      const settleMs = await session.settle(options.idle.deadlineMs / 2);
      const after = session.memory();
      const run: TargetRun = {
        connect,
        settleMs,
        rssBeforeMb: before.rssMb,
        rssAfterMb: after.rssMb,
        kbPerConnection: ((after.rssMb - before.rssMb) * 1024) / Math.max(1, connect.opened),
        peakRssMb: after.peakRssMb,
      };
      runs[target.name] = run;
      progress(
        `idle ${num(connections)} · ${target.label}: ${num(connect.opened)} open, ${num(connect.failed)} failed${connect.firstError ? ` (${connect.firstError})` : ''}, ` +
          `${num(connect.skipped)} not tried before the deadline; ` +
          `in ${num(connect.wallMs / 1000)} s + ${num(settleMs / 1000)} s to settle, RSS ${num(before.rssMb)} → ${num(after.rssMb)} MB, ${num(run.kbPerConnection)} KB each`,
      );
    } finally {
      await session.close();
    }
  }
  const scenario = `${num(connections)} idle connections`;
  const partial = targets
    .filter((t) => runs[t.name]!.connect.opened < connections)
    .map((t) => `${t.label} reached ${num(runs[t.name]!.connect.opened)}`);
  const note = partial.length === 0 ? {} : { note: `measured over the connections made before the deadline: ${partial.join(', ')}` };
  const figures: Figure[] = [
    { scenario, metric: 'server RSS with all connected', unit: 'MB', better: 'lower', values: valuesOf(runs, (r) => r.rssAfterMb), ...note },
    { scenario, metric: 'server RSS per connection', unit: 'KB', better: 'lower', values: valuesOf(runs, (r) => r.kbPerConnection), ...note },
    {
      scenario,
      metric: `connected within ${num(options.idle.deadlineMs / 1000)} s`,
      unit: 'connections',
      better: 'higher',
      values: valuesOf(runs, (r) => r.connect.opened),
    },
    {
      scenario,
      metric: 'time to connect them and go quiet',
      unit: 's',
      better: 'lower',
      values: valuesOf(runs, (r) => (r.connect.wallMs + r.settleMs) / 1000),
      note: 'past 500 people ours names to each newcomer, and tells the presence of, only the people in its DMs and groups (none here)',
    },
  ];
  return { name: 'idle', figures, details: { connections, runs } };
}
