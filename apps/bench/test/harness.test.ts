import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Results } from '../src/results.js';
import type { TargetName } from '../src/targets/target.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The PostgreSQL and Redis the server's own tests use, for the cluster scenario. */
function backing(): string[] {
  const { HEARTH_TEST_POSTGRES_URL: postgres, HEARTH_TEST_REDIS_URL: redis } = process.env;
  return [...(postgres ? ['--postgres', postgres] : []), ...(redis ? ['--redis', redis] : [])];
}

describe('the benchmark harness at a tiny size', () => {
  it('runs every scenario against every server and writes well-formed results', async () => {
    const out = join(dir, 'results.json');
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, '--smoke', '--out', out, ...backing()], { timeout: 170_000 });
    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;

    expect(results.machine.cpuCount).toBeGreaterThan(0);
    expect(results.machine.node).toBe(process.version);
    expect(results.command).toContain('--smoke');
    expect(results.scenarios.map((s) => s.name)).toEqual(['fan-out 5', 'dms', 'idle', 'history', 'storm', 'search', 'uploads', 'cluster fan-out 6', 'cluster dms']);
    const expectedTargets: Record<string, string[]> = {
      'fan-out 5': ['hearth', 'ws', 'socketio'],
      dms: ['hearth', 'hearth-normal', 'ws', 'socketio'],
      idle: ['hearth', 'ws', 'socketio'],
      history: ['hearth'],
      storm: ['hearth', 'ws', 'socketio'],
      search: ['hearth'],
      uploads: ['hearth'],
      'cluster fan-out 6': ['hearth', 'hearth-pg', 'hearth-cluster'],
      'cluster dms': ['hearth', 'hearth-pg', 'hearth-cluster'],
    };
    for (const scenario of results.scenarios) {
      expect(scenario.figures.length, scenario.name).toBeGreaterThan(0);
      for (const figure of scenario.figures) {
        expect(Object.keys(figure.values).sort(), `${scenario.name}: ${figure.metric}`).toEqual([...expectedTargets[scenario.name]!].sort());
        for (const [name, value] of Object.entries(figure.values)) {
          const applies = figure.only === undefined || figure.only.includes(name as TargetName);
          expect(applies ? Number.isFinite(value) : value === null, `${scenario.name}: ${figure.metric}: ${name}`).toBe(true);
        }
      }
    }
    expect(stdout).toContain('Hearth/Socket.IO');
    const onPostgres = results.scenarios.find((s) => s.name === 'cluster dms')!.figures.find((f) => f.metric.startsWith('PostgreSQL and Redis CPU'))!;
    expect(onPostgres.values['hearth-cluster']).toBeGreaterThan(0);
    expect(onPostgres.values.hearth).toBe(0);
  });
});
