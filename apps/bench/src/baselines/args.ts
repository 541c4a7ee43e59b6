import { parseArgs } from 'node:util';

/** `--port N --host H` for a baseline server; port 0 picks a free one. */
export function listenArgs(): { port: number; host: string } {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
  return { port: Number(values.port ?? 0), host: values.host ?? '127.0.0.1' };
}

/**
 * Baseline tokens name the user and the rooms it is in, `<user id>:<room>,<room>`, since baselines keep no
 * accounts: what our server looks up in its database, they are told.
 */
export function parseToken(token: string): { userId: number; rooms: number[] } {
  const [user, rooms = ''] = token.split(':');
  return { userId: Number(user), rooms: rooms.split(',').filter(Boolean).map(Number) };
}

export function baselineToken(userId: number, rooms: number[]): string {
  return `${userId}:${rooms.join(',')}`;
}

/** Tells the harness where the server listens, then waits for SIGTERM. */
export function announce(port: number, stop: () => void): void {
  process.stdout.write(`listening ${port}\n`);
  process.on('SIGTERM', stop);
}
