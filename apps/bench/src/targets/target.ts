import type { Wire } from '../loader/frames.js';

export type TargetName = 'hearth' | 'hearth-normal' | 'hearth-pg' | 'hearth-cluster' | 'ws' | 'socketio';

/** What a scenario needs stored or known before the server starts. */
export interface World {
  users: number;
  /** Users 2k and 2k+1 share a DM. */
  dms: boolean;
  /** Messages stored in the lobby. */
  history: number;
}

export interface Populated {
  /** tokens[i] authenticates user i. */
  tokens: string[];
  /** userIds[i] is user i's id. */
  userIds: number[];
  lobbyId: number;
  /** dmIds[k] is the DM of users 2k and 2k+1. */
  dmIds: number[];
  /** Ids of the stored lobby messages: first..last. */
  firstMessageId: number;
  lastMessageId: number;
}

export interface Running {
  /** The server's processes: one, or several sharing a database. */
  pids: number[];
  /** Where clients open their WebSocket: client g at urls[g mod urls.length]. */
  urls: string[];
  /** The processes of the database server and bus the servers lean on, whose CPU is counted apart; none for an embedded database. */
  backing(): number[];
  /** How many changes the server's search index has yet to read (ours on SQLite only). */
  indexBehind?(): number;
  stop(): Promise<void>;
}

export interface Target {
  name: TargetName;
  /** Column heading in the results. */
  label: string;
  wire: Wire;
  /** Starts a fresh server holding the world. */
  start(world: World): Promise<{ running: Running; populated: Populated }>;
}

/** Target names to their labels, for notes. */
export function labels(targets: Target[]): Record<string, string> {
  return Object.fromEntries(targets.map((t) => [t.name, t.label]));
}
