import { spawn, type ChildProcess } from 'node:child_process';
import { pinned } from '../machine.js';

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  /** The port parsed from the line that says the server is listening. */
  port: number;
  /** Sends SIGTERM and waits for the exit (SIGKILL after a grace period). */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

/** Starts a Node server script on the server core and waits until a line of its output gives the port. */
export function startNode(script: string, args: string[], env: NodeJS.ProcessEnv, portLine: RegExp, nodeArgs: string[] = []): Promise<ServerProcess> {
  const { command, args: argv } = pinned('server', process.execPath, [...nodeArgs, script, ...args]);
  const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start in time:\n${output}`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(portLine);
      if (match === null) return;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      child.stdout!.off('data', onData);
      // Keep draining the pipes so a chatty server never blocks on a full one.
      child.stdout!.resume();
      resolve({ child, pid: child.pid!, port: Number(match[1]), stop: () => stop(child) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 100_000) output = output.slice(-50_000);
    });
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(new Error(`${script} exited (${code ?? signal}) before listening:\n${output}`));
    child.on('exit', onEarlyExit);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
