import type { Options, ScenarioName } from '../options.js';
import { rawWs, socketIo } from './baselines.js';
import { hearth } from './hearth.js';
import type { Target, TargetName } from './target.js';

/** Which servers each scenario drives: FULL durability matters only where storing is the cost; history is ours alone. */
const USED_BY: Record<ScenarioName, TargetName[]> = {
  fanout: ['hearth', 'ws', 'socketio'],
  dms: ['hearth', 'hearth-full', 'ws', 'socketio'],
  idle: ['hearth', 'ws', 'socketio'],
  history: ['hearth'],
  storm: ['hearth', 'ws', 'socketio'],
};

export function targetsFor(scenario: ScenarioName, options: Options): Target[] {
  const all: Record<TargetName, Target> = {
    hearth: hearth('hearth', 'Hearth', [], options.profileDir),
    'hearth-full': hearth('hearth-full', 'Hearth sync=FULL', ['--synchronous', 'FULL'], options.profileDir),
    ws: rawWs,
    socketio: socketIo,
  };
  return USED_BY[scenario].filter((name) => options.targets.includes(name)).map((name) => all[name]);
}
