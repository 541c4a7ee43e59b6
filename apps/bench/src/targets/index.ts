import type { Options, ScenarioName } from '../options.js';
import { rawWs, socketIo } from './baselines.js';
import { hearth } from './hearth.js';
import type { Target, TargetName } from './target.js';

/** Which servers each scenario drives: the durability setting matters only where storing is the cost; history and search are ours alone. */
const USED_BY: Record<ScenarioName, TargetName[]> = {
  fanout: ['hearth', 'ws', 'socketio'],
  dms: ['hearth', 'hearth-normal', 'ws', 'socketio'],
  idle: ['hearth', 'ws', 'socketio'],
  history: ['hearth'],
  storm: ['hearth', 'ws', 'socketio'],
  search: ['hearth'],
};

export function targetsFor(scenario: ScenarioName, options: Options): Target[] {
  const all: Record<TargetName, Target> = {
    hearth: hearth('hearth', 'Hearth', [], options.profileDir),
    'hearth-normal': hearth('hearth-normal', 'Hearth sync=NORMAL', ['--synchronous', 'NORMAL'], options.profileDir),
    ws: rawWs,
    socketio: socketIo,
  };
  return USED_BY[scenario].filter((name) => options.targets.includes(name)).map((name) => all[name]);
}
