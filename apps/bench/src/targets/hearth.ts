import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode } from './process.js';
import { seed } from './seed.js';
import type { Target, World } from './target.js';

export const SERVER_MAIN = fileURLToPath(new URL('../../../server/dist/main.js', import.meta.url));

/**
 * The per-connection request limit guards against abuse, not load; the fan-out steps send more than it allows from
 * one connection, so it is raised here, as are the per-user limits on sends, searches and reads (the search and
 * history scenarios ask one page after another from one user, and the uploads scenario's one sender uploads 100 photos at once), and each address's share of connections still signing in: every
 * simulated client connects from 127.0.0.1. Every other setting is the production default.
 */
export const HEARTH_FLAGS = [
  ...['--requests-per-second', '1000000', '--request-burst', '1000000'],
  ...['--sends-per-second-per-user', '1000000', '--send-burst-per-user', '1000000'],
  ...['--searches-per-second-per-user', '1000000', '--search-burst-per-user', '1000000'],
  ...['--reads-per-second-per-user', '1000000', '--read-burst-per-user', '1000000'],
  ...['--max-unauthenticated-per-address', '1000000'],
  ...['--uploads-per-minute-per-user', '1000000', '--upload-burst-per-user', '1000000'],
];
export const ENV = { NODE_ENV: 'production', HEARTH_LOG_LEVEL: 'warn' };
/** Node's own flags, as `npm start` runs the server (apps/server/package.json). */
const NODE_FLAGS = ['--max-semi-space-size=32'];

/** Node's flags for our server: those `npm start` gives it, and a CPU profile written on exit when asked for. */
export function serverNodeArgs(profileDir: string | null): string[] {
  return [...NODE_FLAGS, ...(profileDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir])];
}
export const RUNNING = /Hearth is running at \S+:(\d+)/;

let workDir: string | null = null;
let dbCount = 0;
let template: Promise<string> | null = null;

/** Where this run's databases live, made on first use. */
function dir(): string {
  workDir ??= mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  return workDir;
}

/** A database the server has created and migrated, holding the lobby: each run copies it. */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const path = join(dir(), 'template.db');
    const server = await startNode(SERVER_MAIN, ['--port', '0', '--host', '127.0.0.1', '--db', path], ENV, RUNNING);
    await server.stop();
    return path;
  })();
  return template;
}

async function freshDatabase(): Promise<string> {
  const source = await migratedTemplate();
  const path = join(dir(), `run-${++dbCount}.db`);
  copyFileSync(source, path);
  for (const suffix of ['-wal', '-shm']) if (existsSync(source + suffix)) copyFileSync(source + suffix, path + suffix);
  return path;
}

/** Our server, optionally with extra flags and a V8 CPU profile written on exit. */
export function hearth(name: 'hearth' | 'hearth-normal', label: string, extraFlags: string[], profileDir: string | null): Target {
  return {
    name,
    label,
    wire: 'json',
    async start(world: World) {
      if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: build the server first`);
      const db = await freshDatabase();
      const populated = seed(db, world);
      const args = ['--port', '0', '--host', '127.0.0.1', '--db', db, ...HEARTH_FLAGS, ...extraFlags];
      const nodeArgs = serverNodeArgs(profileDir);
      const server = await startNode(SERVER_MAIN, args, ENV, RUNNING, nodeArgs);
      const stop = async () => {
        await server.stop();
        for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
      };
      const indexBehind = () => {
        const reader = new Database(db, { readonly: true });
        try {
          return reader.prepare("SELECT coalesce((SELECT max(seq) FROM changes), 0) - (SELECT seq FROM consumers WHERE name = 'search')").pluck().get() as number;
        } finally {
          reader.close();
        }
      };
      return { running: { pids: [server.pid], urls: [`ws://127.0.0.1:${server.port}/ws`], backing: () => [], indexBehind, stop }, populated };
    },
  };
}

export function removeWorkDir(): void {
  if (workDir !== null) rmSync(workDir, { recursive: true, force: true });
}
