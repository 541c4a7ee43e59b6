import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from '../support/process.js';

const REDIS_SERVER = process.env.HEARTH_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';

/**
 * A Redis server of a test's own, on a free loopback port, that the test may stop and start again: the Redis other
 * tests share must never go away under them. It keeps nothing on disk, so every start is an empty Redis, as a
 * restarted Redis without persistence is.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'hearth-redis-'));

  private constructor(
    readonly port: number,
    private readonly extra: string[],
  ) {}

  /** Starts one; `extra` are further redis-server options, given again at every start. */
  static async start(extra: string[] = []): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await closedPort(), extra);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again), and resolves once it accepts connections. */
  async start(timeoutMs = 20_000): Promise<void> {
    if (this.child !== undefined) throw new Error('this Redis is running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, ...this.extra];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`redis-server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.once('error', fail);
      child.once('exit', (code, signal) => fail(new Error(`redis-server exited (${code ?? signal}) while starting:\n${out}`)));
    });
  }

  /** Stops the server, and resolves once it has exited: what it held is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops it for good and removes its folder. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
