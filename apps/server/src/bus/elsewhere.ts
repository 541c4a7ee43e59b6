import type { Elsewhere } from './bus.js';

interface Process {
  /** The newest version of its counts heard; older news of it is stale and ignored. */
  version: number;
  counts: Map<number, number>;
  /** When it was last heard of on the bus, by `OtherProcesses.clock`. */
  heardAt: number;
}

/**
 * Who is connected to each of the other processes, from two sources: their news on the bus, at once, and every
 * heartbeat a snapshot of the hashes they keep in Redis, which heals what the bus lost and drops processes whose
 * hash expired (they died). The two can arrive in either order, so each process numbers its counts and only newer
 * ones are taken; a snapshot asked for before a process was last heard of cannot declare it dead, and neither can
 * one that is not whole (taken from a Redis that restarted empty too recently to have heard from every process).
 */
export class OtherProcesses implements Elsewhere {
  private readonly processes = new Map<string, Process>();
  private clock = 0;

  has(userId: number): boolean {
    for (const process of this.processes.values()) if (process.counts.has(userId)) return true;
    return false;
  }

  users(): Set<number> {
    const users = new Set<number>();
    for (const process of this.processes.values()) for (const userId of process.counts.keys()) users.add(userId);
    return users;
  }

  /** News from a process: this user now has `count` connections there. */
  heard(id: string, version: number, userId: number, count: number): void {
    let process = this.processes.get(id);
    if (process === undefined) this.processes.set(id, (process = { version: 0, counts: new Map(), heardAt: 0 }));
    process.heardAt = ++this.clock;
    if (version <= process.version) return;
    process.version = version;
    if (count > 0) process.counts.set(userId, count);
    else process.counts.delete(userId);
  }

  /** A process said it is stopping. Returns the users it had. */
  gone(id: string): number[] {
    const users = [...(this.processes.get(id)?.counts.keys() ?? [])];
    this.processes.delete(id);
    return users;
  }

  /** Marks the moment a snapshot is asked for; pass it back with the snapshot. */
  asking(): number {
    return this.clock;
  }

  /**
   * Takes a snapshot of every live process's counts. One that is not whole only adds and updates the processes it
   * holds: one it lacks may be alive and not yet have written its hash again. Returns the users whose being connected
   * elsewhere changed.
   */
  snapshot(live: ReadonlyMap<string, { version: number; counts: Map<number, number> }>, askedAt: number, whole: boolean): number[] {
    const before = this.users();
    for (const [id, seen] of live) {
      const process = this.processes.get(id);
      if (process === undefined) this.processes.set(id, { ...seen, heardAt: askedAt });
      else if (seen.version >= process.version) Object.assign(process, seen);
    }
    if (whole) for (const [id, process] of this.processes) if (!live.has(id) && process.heardAt <= askedAt) this.processes.delete(id);
    const after = this.users();
    const changed: number[] = [];
    for (const userId of before) if (!after.has(userId)) changed.push(userId);
    for (const userId of after) if (!before.has(userId)) changed.push(userId);
    return changed;
  }
}
