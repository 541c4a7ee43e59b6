// Runs every workspace's test suite through turbo and ends with one line of totals summed over all of them,
// so a run that executed no test is plain to see.
import { spawn } from 'node:child_process';

const ANSI = /\x1b\[[0-9;]*m/g;
const child = spawn('npx', ['turbo', 'run', 'test', '--concurrency=1', '--continue', ...process.argv.slice(2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0' },
});

let passed = 0;
let failed = 0;
let skipped = 0;
let pending = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString();
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) count(line.replace(ANSI, ''));
});

// Vitest's summary: "Tests  3 failed | 40 passed | 2 skipped (45)".
function count(line) {
  const summary = line.match(/^\S*:test:\s+Tests\s+(.*)\(\d+\)\s*$/) ?? line.match(/^\s*Tests\s+(.*)\(\d+\)\s*$/);
  if (summary === null) return;
  for (const [, n, kind] of summary[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    if (kind === 'passed') passed += Number(n);
    else if (kind === 'failed') failed += Number(n);
    else skipped += Number(n);
  }
}

child.on('exit', (code) => {
  if (pending) count(pending.replace(ANSI, ''));
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exit(code === 0 && failed === 0 && passed > 0 ? 0 : 1);
});
