import { describe, expect, it } from 'vitest';
import { startServer } from '../src/app.js';
import { configFromArgs, defaults } from '../src/config.js';

describe('server configuration', () => {
  it('takes every option as a flag or a HEARTH_ variable, flags first', () => {
    const options = configFromArgs(
      ['--port', '8080', '--db', '/srv/chat.db', '--requests-per-second', '5', '--allowed-origins', 'https://a.example, https://b.example'],
      { HEARTH_PORT: '9999', HEARTH_FLOOD_LIMIT: '9', HEARTH_SYNCHRONOUS: 'full', HEARTH_PUBLIC_URL: 'https://chat.example' },
    );
    expect(options).toEqual({
      port: 8080,
      dbPath: '/srv/chat.db',
      requestsPerSecond: 5,
      allowedOrigins: ['https://a.example', 'https://b.example'],
      floodLimit: 9,
      synchronous: 'FULL',
      publicUrl: 'https://chat.example',
    });
  });

  it('refuses a limit that is not a number, a port out of range and a database that is not PostgreSQL', () => {
    expect(() => configFromArgs(['--max-frame-bytes', 'lots'], {})).toThrow(/--max-frame-bytes/);
    expect(() => configFromArgs(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => configFromArgs(['--synchronous', 'OFF'], {})).toThrow(/NORMAL or FULL/);
    expect(() => configFromArgs(['--database', 'chat.db'], {})).toThrow(/postgres:\/\//);
    expect(configFromArgs([], { HEARTH_DATABASE: 'postgres://chat@db/hearth' })).toEqual({ database: 'postgres://chat@db/hearth' });
  });

  it('takes a Redis bus for several processes, and refuses one that is not Redis or comes without PostgreSQL', async () => {
    expect(configFromArgs(['--bus', 'redis://10.0.0.5:6379?prefix=chat'], {})).toEqual({ bus: 'redis://10.0.0.5:6379?prefix=chat' });
    expect(configFromArgs([], { HEARTH_BUS: 'rediss://cache.internal' })).toEqual({ bus: 'rediss://cache.internal' });
    expect(() => configFromArgs(['--bus', 'nats://bus'], {})).toThrow(/redis:\/\//);
    await expect(startServer({ bus: 'redis://127.0.0.1:6379', dbPath: ':memory:', logLevel: 'silent' })).rejects.toThrow(/--database/);
  });

  it('takes the outbound guard’s options, and refuses a concurrency below 1 or a port out of range', async () => {
    expect(configFromArgs(['--outbound-allow-hosts', 'relay.lan, 10.0.0.7', '--outbound-ports', '443,8443', '--outbound-concurrency', '4'], { HEARTH_OUTBOUND_TIMEOUT_MS: '5000' })).toEqual({
      outboundAllowHosts: ['relay.lan', '10.0.0.7'],
      outboundPorts: [443, 8443],
      outboundConcurrency: 4,
      outboundTimeoutMs: 5000,
    });
    expect(defaults).toMatchObject({ outboundPorts: [443], outboundConcurrency: 8, outboundQueue: 1000, outboundTimeoutMs: 10_000, maxPushSubscriptionsPerUser: 10 });
    expect(() => configFromArgs(['--outbound-concurrency', '0'], {})).toThrow(/--outbound-concurrency.*at least 1/);
    expect(() => configFromArgs(['--outbound-ports', '443,70000'], {})).toThrow(/--outbound-ports/);
    await expect(startServer({ outboundConcurrency: 0, dbPath: ':memory:', logLevel: 'silent' })).rejects.toThrow(/--outbound-concurrency must be at least 1/);
  });

  it('leaves out what was not given, so the defaults apply', () => {
    expect(configFromArgs([], {})).toEqual({});
    expect(defaults.maxFrameBytes).toBe(64 * 1024);
  });
});
