import type { Options, ScenarioName } from '../options.js';
import { rawWs, socketIo } from './baselines.js';
import { onPostgres } from './cluster.js';
import { hearth } from './hearth.js';
import type { Target, TargetName } from './target.js';

/**
 * Which servers each scenario drives: the durability setting matters only where storing is the cost; history and
 * search are ours alone, as are uploads (the others keep no files); the cluster scenario sets ours on SQLite beside ours on PostgreSQL, alone and several.
 */
const USED_BY: Record<ScenarioName, TargetName[]> = {
  fanout: ['hearth', 'ws', 'socketio'],
  dms: ['hearth', 'hearth-normal', 'ws', 'socketio'],
  idle: ['hearth', 'ws', 'socketio'],
  history: ['hearth'],
  storm: ['hearth', 'ws', 'socketio'],
  search: ['hearth'],
  uploads: ['hearth'],
  cluster: ['hearth', 'hearth-pg', 'hearth-cluster'],
};

export function targetsFor(scenario: ScenarioName, options: Options): Target[] {
  const all: Record<TargetName, Target> = {
    hearth: hearth('hearth', 'Hearth', [], options.profileDir),
    'hearth-normal': hearth('hearth-normal', 'Hearth sync=NORMAL', ['--synchronous', 'NORMAL'], options.profileDir),
    'hearth-pg': onPostgres('hearth-pg', 'Hearth PostgreSQL', 1, options.cluster, options.profileDir),
    'hearth-cluster': onPostgres('hearth-cluster', `Hearth PostgreSQL, ${options.cluster.processes} processes + Redis`, options.cluster.processes, options.cluster, options.profileDir),
    ws: rawWs,
    socketio: socketIo,
  };
  return USED_BY[scenario].filter((name) => options.targets.includes(name)).map((name) => all[name]);
}
