import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.js';
import { FailureLog } from '../../src/push/failure-log.js';

describe('the push failure log', () => {
  it('logs a failing endpoint once per interval, then says how many failures went unlogged', () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = new FailureLog({ warn: (fields: Record<string, unknown>) => lines.push(fields) } as unknown as Logger, 1_000);
    const dead = 'https://push.example/send/secret-token';
    for (let i = 0; i < 50; i++) log.warn(dead, { status: 500 }, 'not accepted', 10_000 + i);
    log.warn('https://other.example/x', { status: 500 }, 'not accepted', 10_100);
    expect(lines).toHaveLength(2);
    log.warn(dead, { status: 500 }, 'not accepted', 11_000);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ status: 500, origin: 'https://push.example', unlogged: 49 });
    // The endpoint itself, a bearer address for the device, is not written to the log.
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });
});
