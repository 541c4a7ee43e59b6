import type { Machine } from './machine.js';
import type { Options } from './options.js';
import type { TargetName } from './targets/target.js';

/** One line of the summary table: a figure for each server that was measured. */
export interface Figure {
  scenario: string;
  metric: string;
  unit: string;
  better: 'lower' | 'higher';
  values: Partial<Record<TargetName, number | null>>;
  /** False for figures about the load generator, where a ratio between servers means nothing. */
  ratios?: boolean;
  note?: string;
  /** The servers it applies to, when not all: the others' values are null. */
  only?: TargetName[];
}

/** One figure's values: each server's pick from what was measured for it. */
export function valuesOf<T>(runs: { [name: string]: T | undefined }, pick: (run: T) => number): Figure['values'] {
  return Object.fromEntries(Object.entries(runs).map(([name, run]) => [name, pick(run as T)]));
}

export interface ScenarioResult {
  name: string;
  figures: Figure[];
  /** Everything measured, per target, for the JSON file. */
  details: unknown;
}

export interface Results {
  date: string;
  command: string;
  machine: Machine;
  options: Options;
  durationSec: number;
  scenarios: ScenarioResult[];
}
