import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

export interface Machine {
  cpuCount: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** Whether servers run on core 0 and load generators on core 1. */
  pinned: boolean;
  pinningNote: string;
  /** The per-process open file limit the load generators and servers inherit. */
  fileLimit: string;
}

const cpuList = cpus();
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

export const machine: Machine = {
  cpuCount: cpuList.length,
  cpuModel: cpuList[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  pinned: hasTaskset && cpuList.length >= 2,
  pinningNote: !hasTaskset
    ? 'taskset not found: servers and load generators share all cores'
    : cpuList.length < 2
      ? 'one core: servers and load generators share it'
      : 'servers on core 0, load generators on core 1 (taskset)',
  fileLimit: fileLimit(),
};

function fileLimit(): string {
  const result = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : 'unknown';
}

export type Role = 'server' | 'load';
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

/** The command that runs `args` on the role's core, or as is when pinning is not possible. */
export function pinned(role: Role, command: string, args: string[]): { command: string; args: string[] } {
  if (!machine.pinned) return { command, args };
  return { command: 'taskset', args: ['-c', String(role === 'server' ? SERVER_CORE : LOAD_CORE), command, ...args] };
}
