import { num } from './format.js';
import type { Figure, Results } from './results.js';
import type { TargetName } from './targets/target.js';

const COLUMNS: { name: TargetName; heading: string }[] = [
  { name: 'hearth', heading: 'Hearth' },
  { name: 'hearth-normal', heading: 'Hearth NORMAL' },
  { name: 'hearth-pg', heading: 'Hearth PG' },
  { name: 'hearth-cluster', heading: 'Hearth PG×2+Redis' },
  { name: 'ws', heading: 'raw ws' },
  { name: 'socketio', heading: 'Socket.IO' },
];
const BASELINES: { name: TargetName; heading: string }[] = [
  { name: 'ws', heading: 'Hearth/ws' },
  { name: 'socketio', heading: 'Hearth/Socket.IO' },
];

/** Ours divided by a baseline's figure; `better` says whether a ratio above 1 is good or bad. */
export function ratio(figure: Figure, baseline: TargetName): number | null {
  const ours = figure.values.hearth;
  const theirs = figure.values[baseline];
  if (figure.ratios === false || ours === null || ours === undefined || theirs === null || theirs === undefined) return null;
  if (!Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0) return null;
  return ours / theirs;
}

/** The summary table: one line per figure, a column per server, then our ratio to each baseline. */
export function table(results: Results): string {
  const figures = results.scenarios.flatMap((s) => s.figures);
  const columns = COLUMNS.filter((c) => figures.some((f) => f.values[c.name] !== undefined));
  const rows: string[][] = [['', 'unit', ...columns.map((c) => c.heading), ...BASELINES.map((b) => b.heading)]];
  let scenario = '';
  const notes: string[] = [];
  for (const f of figures) {
    if (f.scenario !== scenario) {
      scenario = f.scenario;
      rows.push([scenario]);
    }
    const mark = f.note === undefined ? '' : ` [${notes.push(f.note)}]`;
    const better = f.better === 'lower' ? '↓' : '↑';
    rows.push([
      `  ${f.metric}${mark}`,
      `${f.unit} ${better}`,
      ...columns.map((c) => num(f.values[c.name])),
      ...BASELINES.map((b) => {
        const r = ratio(f, b.name);
        return r === null ? '' : `${r.toFixed(2)}×`;
      }),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r.length === 1 ? r[0]! : r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
  );
  const { machine } = results;
  return [
    `Hearth benchmark, ${results.date}: ${machine.cpuCount} × ${machine.cpuModel}, Node ${machine.node}, ${machine.pinningNote}`,
    `Command: ${results.command} (${Math.round(results.durationSec)} s)`,
    '',
    ...lines,
    '',
    '↓ lower is better, ↑ higher is better; ratios are Hearth ÷ baseline.',
    ...notes.map((note, i) => `[${i + 1}] ${note}`),
    '',
  ].join('\n');
}
