import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
export const INVITE = fileURLToPath(new URL('../../dist/invite.js', import.meta.url));
export const BACKUP = fileURLToPath(new URL('../../dist/backup.js', import.meta.url));
export const ADMIN = fileURLToPath(new URL('../../dist/admin.js', import.meta.url));
export const MIGRATE_TO_POSTGRES = fileURLToPath(new URL('../../dist/migrate-to-postgres.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  output(): string;
  /** Resolves with the first stdout match of a pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the built server as a child process, as an operator would. */
export function spawnServer(args: string[]): ServerProcess {
  const child = spawn(process.execPath, [MAIN, '--host', '127.0.0.1', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = out.match(pattern);
          if (match === null) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** A loopback port nothing listens on: one the system just gave out and took back. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the server with `args` and waits for it to give up: its exit code and the lines it wrote. */
export async function refusedStart(args: string[]): Promise<{ code: number | null; lines: string[] }> {
  const proc = spawnServer(args);
  const { code } = await proc.exited;
  return { code, lines: proc.output().trim().split('\n') };
}
