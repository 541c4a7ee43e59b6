import { describe, expect, it } from 'vitest';
import { addressRange, isAddress, isPublicAddress } from '../../src/outbound/addresses.js';

describe('which addresses are public', () => {
  it.each(['8.8.8.8', '1.1.1.1', '142.250.74.110', '2001:4860:4860::8888', '2606:4700:4700::1111', '[2a00:1450:4001::200e]', '::ffff:8.8.8.8'])(
    'takes %s as public',
    (address) => expect(isPublicAddress(address)).toBe(true),
  );

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'teredo'],
  ])('refuses %s (%s)', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(isPublicAddress(address)).toBe(false);
  });

  it('refuses what is not an address at all, and tells addresses from names', () => {
    for (const text of ['', 'localhost', 'push.example', '1.2.3', '999.1.1.1', 'fe80::1%eth0x:']) expect(isPublicAddress(text), text).toBe(false);
    expect(isAddress('10.0.0.1')).toBe(true);
    expect(isAddress('[::1]')).toBe(true);
    expect(isAddress('push.example')).toBe(false);
  });
});
