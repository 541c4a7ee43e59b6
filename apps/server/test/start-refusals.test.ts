import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort, refusedStart } from './support/process.js';

// What an operator sees when the server cannot start: one line saying what is wrong and what to do, and exit code 1,
// never a stack trace.

const dir = mkdtempSync(join(tmpdir(), 'hearth-refusals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a server that cannot start', () => {
  it('names a port another program listens on, and how to choose another', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as { port: number }).port;
    try {
      const { code, lines } = await refusedStart(['--port', String(port), '--db', join(dir, 'port.db')]);
      expect(code).toBe(1);
      expect(lines).toEqual([`Port ${port} is in use on 127.0.0.1: another server is listening there. Stop it, or choose another port with --port.`]);
    } finally {
      other.close();
    }
  });

  it('names a file that is not a chat database, and leaves it as it was', async () => {
    const file = join(dir, 'notes.txt');
    const text = 'Shopping: bread, milk, eggs.\n'.repeat(20);
    writeFileSync(file, text);
    const { code, lines } = await refusedStart(['--port', '0', '--db', file]);
    expect(code).toBe(1);
    expect(lines).toEqual([`The database file ${file} cannot be opened: file is not a database`]);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('says PostgreSQL cannot be reached at the address given, without showing its password', async () => {
    const port = await closedPort();
    const { code, lines } = await refusedStart(['--port', '0', '--database', `postgres://hearth:s3cret@127.0.0.1:${port}/chat`]);
    expect(code).toBe(1);
    expect(lines).toEqual([
      `The PostgreSQL database postgres://hearth:***@127.0.0.1:${port}/chat cannot be used: connect ECONNREFUSED 127.0.0.1:${port}; is PostgreSQL running there?`,
    ]);
  });

  it('asks for a database to share when given a bus alone', async () => {
    const { code, lines } = await refusedStart(['--port', '0', '--db', join(dir, 'bus.db'), '--bus', 'redis://127.0.0.1:6379']);
    expect(code).toBe(1);
    expect(lines).toEqual(['--bus needs --database: the processes must share one PostgreSQL database']);
  });
});
