import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LOAD_CORE, machine } from '../machine.js';
import type { Envelope, Reply, Request, Results } from './messages.js';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Load generator processes on the load core, each answering requests over IPC. */
export class LoaderPool {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly children: ChildProcess[]) {
    for (const child of children) {
      child.on('message', (reply: Reply) => this.onReply(reply));
      child.on('exit', (code) => this.onExit(code));
    }
  }

  static start(count: number): LoaderPool {
    const children = Array.from({ length: count }, (_, i) =>
      fork(WORKER, [String(i)], {
        // fork() runs execPath with execArgv before the module, so taskset can wrap node.
        ...(machine.pinned ? { execPath: 'taskset', execArgv: ['-c', String(LOAD_CORE), process.execPath] } : {}),
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    return new LoaderPool(children);
  }

  get size(): number {
    return this.children.length;
  }

  get pids(): number[] {
    return this.children.map((child) => child.pid!);
  }

  ask<R extends Request>(index: number, request: R): Promise<Results[R['cmd']]> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve: resolve as (value: unknown) => void, reject });
      this.children[index]!.send({ seq, request } satisfies Envelope);
    });
  }

  /** Asks every loader, each its own request. */
  askAll<R extends Request>(requestFor: (index: number) => R): Promise<Results[R['cmd']][]> {
    return Promise.all(this.children.map((_, i) => this.ask(i, requestFor(i))));
  }

  async close(): Promise<void> {
    await this.askAll(() => ({ cmd: 'close' as const })).catch(() => undefined);
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.disconnect();
          }),
      ),
    );
  }

  private onReply(reply: Reply): void {
    const waiter = this.waiting.get(reply.seq);
    if (waiter === undefined) return;
    this.waiting.delete(reply.seq);
    if (reply.error !== undefined) waiter.reject(new Error(reply.error));
    else waiter.resolve(reply.result);
  }

  private onExit(code: number | null): void {
    if (code === 0 || this.waiting.size === 0) return;
    for (const waiter of this.waiting.values()) waiter.reject(new Error(`a load generator exited with code ${code}`));
    this.waiting.clear();
  }
}
