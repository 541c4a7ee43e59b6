import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** CPU time (user + system, all threads) a process has used so far, in milliseconds; NaN once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; fields are counted after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

export interface Memory {
  /** Resident set size now, MiB. */
  rssMb: number;
  /** Peak resident set size since the process started (VmHWM), MiB. */
  peakRssMb: number;
}

export function memory(pid: number): Memory {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: Number.NaN, peakRssMb: Number.NaN };
  }
}

/** Measures the CPU a set of processes uses over an interval, as milliseconds and as a share of one core. */
export class CpuMeter {
  private readonly startCpu: number[];
  private readonly startWall = performance.now();

  constructor(private readonly pids: number[]) {
    this.startCpu = pids.map(cpuMs);
  }

  read(): { cpuMs: number; wallMs: number; coreShare: number } {
    const wallMs = performance.now() - this.startWall;
    const used = this.pids.reduce((sum, pid, i) => sum + cpuMs(pid) - this.startCpu[i]!, 0);
    return { cpuMs: used, wallMs, coreShare: used / wallMs };
  }
}

/**
 * Measures the CPU of a changing set of processes, such as a database server's, whose backends come and go: each
 * listed at the end counts from the start, or from its birth when it started meanwhile (one that ended meanwhile
 * is missed).
 */
export class GroupMeter {
  private readonly startCpu: Map<number, number>;

  constructor(private readonly list: () => number[]) {
    this.startCpu = new Map(list().map((pid) => [pid, cpuMs(pid)]));
  }

  read(): { cpuMs: number } {
    let used = 0;
    for (const pid of this.list()) {
      const now = cpuMs(pid);
      if (Number.isFinite(now)) used += now - (this.startCpu.get(pid) ?? 0);
    }
    return { cpuMs: used };
  }
}

/** Processes whose command name is one of `names` (as /proc/<pid>/comm gives it). */
export function processesNamed(names: string[]): number[] {
  const wanted = new Set(names);
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (wanted.has(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) found.push(Number(entry));
    } catch {
      // Gone since the directory was read.
    }
  }
  return found;
}

/** Busy time of one core so far (everything but idle and I/O wait), in milliseconds. */
export function coreBusyMs(core: number): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').match(new RegExp(`^cpu${core} (.*)$`, 'm'))?.[1];
    if (line === undefined) return Number.NaN;
    const ticks = line.trim().split(/\s+/).map(Number);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return ((total - ticks[3]! - ticks[4]!) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/**
 * How busy a core was over an interval with work that is not ours: on a shared machine, other people's processes
 * on the server's core slow it down without showing in its own CPU time.
 */
export class CoreMeter {
  private readonly start: number;
  private readonly startWall = performance.now();

  constructor(private readonly core: number) {
    this.start = coreBusyMs(core);
  }

  /** The share of the core used by others, given how much of it our own processes used. */
  othersShare(oursMs: number): number {
    const busy = coreBusyMs(this.core) - this.start;
    return Math.max(0, busy - oursMs) / (performance.now() - this.startWall);
  }
}
