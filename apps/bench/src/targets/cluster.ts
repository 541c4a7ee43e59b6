import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { processesNamed } from '../proc.js';
import { ENV, HEARTH_FLAGS, RUNNING, SERVER_MAIN, serverNodeArgs } from './hearth.js';
import { DatabaseServer, seedPostgres } from './postgres.js';
import { startNode, type ServerProcess } from './process.js';
import type { Target, World } from './target.js';

/** Where the PostgreSQL and Redis servers are that our server runs on in the cluster scenario. */
export interface Backing {
  /** A database on a server where the benchmark may create and drop databases. */
  postgresUrl: string;
  redisUrl: string;
}

/** The database server's and the bus's processes on this machine: all of PostgreSQL's, and Redis. */
const BACKING_PROCESSES = ['postgres', 'redis-server'];

let template: Promise<string> | null = null;
const made = new Set<string>();

/** A database our server has created and migrated, holding the lobby: each run copies it. */
function migratedTemplate(server: DatabaseServer): Promise<string> {
  template ??= (async () => {
    const url = await server.create();
    made.add(url);
    const migrating = await startNode(SERVER_MAIN, ['--port', '0', '--host', '127.0.0.1', '--database', url], ENV, RUNNING);
    await migrating.stop();
    return url;
  })();
  return template;
}

/**
 * Our server on PostgreSQL: one process alone, or `processes` of them sharing the database and a Redis bus, each
 * client connecting to one of them in turn as a load balancer would spread them; optionally with a V8 CPU profile of
 * each process written on exit.
 */
export function onPostgres(name: 'hearth-pg' | 'hearth-cluster', label: string, processes: number, backing: Backing, profileDir: string | null): Target {
  const server = new DatabaseServer(backing.postgresUrl);
  return {
    name,
    label,
    wire: 'json',
    async start(world: World) {
      if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: build the server first`);
      const database = await server.create(await migratedTemplate(server));
      made.add(database);
      const populated = await seedPostgres(database, world);
      const bus = processes > 1 ? ['--bus', busUrl(backing.redisUrl)] : [];
      const args = ['--port', '0', '--host', '127.0.0.1', '--database', database, ...bus, ...HEARTH_FLAGS];
      const started: ServerProcess[] = [];
      const stop = async () => {
        await Promise.all(started.map((p) => p.stop()));
        await server.drop(database);
        made.delete(database);
      };
      try {
        const nodeArgs = serverNodeArgs(profileDir);
        for (let i = 0; i < processes; i++) started.push(await startNode(SERVER_MAIN, args, ENV, RUNNING, nodeArgs));
      } catch (error) {
        await stop();
        throw error;
      }
      const running = {
        pids: started.map((p) => p.pid),
        urls: started.map((p) => `ws://127.0.0.1:${p.port}/ws`),
        backing: () => processesNamed(BACKING_PROCESSES),
        stop,
      };
      return { running, populated };
    },
  };
}

/** A bus of its own on the shared Redis, so runs never hear each other. */
function busUrl(redisUrl: string): string {
  const url = new URL(redisUrl);
  url.searchParams.set('prefix', `hearth-bench-${randomBytes(4).toString('hex')}`);
  return url.href;
}

/** Drops every database this run made. */
export async function dropDatabases(backing: Backing): Promise<void> {
  const server = new DatabaseServer(backing.postgresUrl);
  for (const url of made) await server.drop(url).catch(() => undefined);
  made.clear();
  template = null;
}
