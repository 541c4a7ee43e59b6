// `npm run bench`: our server beside a raw ws server and a Socket.IO server, driven by the same load generators.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { progress } from './format.js';
import { machine } from './machine.js';
import { parseOptions, type Options, type ScenarioName } from './options.js';
import { table } from './report.js';
import type { Results, ScenarioResult } from './results.js';
import { cluster } from './scenarios/cluster.js';
import { dms } from './scenarios/dms.js';
import { fanout } from './scenarios/fanout.js';
import { history } from './scenarios/history.js';
import { uploads } from './scenarios/uploads.js';
import { search } from './scenarios/search.js';
import { idle } from './scenarios/idle.js';
import { storm } from './scenarios/storm.js';
import { dropDatabases } from './targets/cluster.js';
import { removeWorkDir } from './targets/hearth.js';
import { targetsFor } from './targets/index.js';
import type { Target } from './targets/target.js';

const RUNNERS: Record<ScenarioName, (targets: Target[], options: Options) => Promise<ScenarioResult | ScenarioResult[]>> = {
  fanout,
  dms,
  idle,
  history,
  uploads,
  storm,
  search,
  cluster,
};

const argv = process.argv.slice(2);
const options = parseOptions(argv, fileURLToPath(new URL('../results/latest.json', import.meta.url)));
if (options !== null) {
  process.on('SIGINT', () => {
    removeWorkDir();
    void dropDatabases(options.cluster).finally(() => process.exit(130));
  });
  const started = performance.now();
  if (!machine.pinned) progress(`warning: ${machine.pinningNote}`);
  const scenarios: ScenarioResult[] = [];
  let failed = false;
  for (const name of options.scenarios) {
    const targets = targetsFor(name, options);
    if (targets.length === 0) continue;
    progress(`— ${name}: ${targets.map((t) => t.label).join(', ')}`);
    try {
      const result = await RUNNERS[name](targets, options);
      scenarios.push(...(Array.isArray(result) ? result : [result]));
    } catch (error) {
      failed = true;
      progress(`${name} failed: ${(error as Error).stack ?? String(error)}`);
      scenarios.push({ name, figures: [], details: { error: String(error) } });
    }
  }
  removeWorkDir();
  await dropDatabases(options.cluster);
  const results: Results = {
    date: new Date().toISOString(),
    command: ['npm run bench --', ...argv].join(' '),
    machine,
    options,
    durationSec: (performance.now() - started) / 1000,
    scenarios,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(table(results));
  process.stdout.write(`Results: ${options.out}\n`);
  process.exitCode = failed ? 1 : 0;
}
