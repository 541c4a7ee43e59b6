import { describe, expect, it } from 'vitest';
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

  it('refuses a limit that is not a number and a port out of range', () => {
    expect(() => configFromArgs(['--max-frame-bytes', 'lots'], {})).toThrow(/--max-frame-bytes/);
    expect(() => configFromArgs(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => configFromArgs(['--synchronous', 'OFF'], {})).toThrow(/NORMAL or FULL/);
  });

  it('leaves out what was not given, so the defaults apply', () => {
    expect(configFromArgs([], {})).toEqual({});
    expect(defaults.maxFrameBytes).toBe(64 * 1024);
  });
});
