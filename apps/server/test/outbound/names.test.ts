import { describe, expect, it } from 'vitest';
import { isLocalName, normaliseHost } from '../../src/outbound/names.js';

describe('names local by their look', () => {
  it.each([
    'localhost',
    'localhost.',
    'LOCALHOST',
    'foo.localhost',
    'printer.local',
    'printer.local.',
    'nas.lan',
    'router.home.arpa',
    'metadata.google.internal',
    'host.docker.internal',
    'metadata',
    '127.0.0.1.nip.io',
    'app.10.0.0.1.sslip.io',
    '10-0-0-1.example.com',
    'localtest.me',
    'sub.localtest.me',
    'lvh.me',
  ])('refuses %s', (name) => expect(isLocalName(name)).toBe(true));

  it.each(['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com', 'wns2-par02p.notify.windows.com', 'push.example.'])(
    'lets %s through to the connect-time check',
    (name) => expect(isLocalName(name)).toBe(false),
  );

  it('compares names in lower case, without brackets or trailing dots', () => {
    expect(normaliseHost('Push.Example..')).toBe('push.example');
    expect(normaliseHost('[::1]')).toBe('::1');
  });
});
