import { describe, expect, it } from 'vitest';
import { addressGroup } from '../src/address-group.js';

describe('the group of a client address', () => {
  it('is an IPv6 address’s /64, however it is written', () => {
    const group = addressGroup('2001:db8:1:2:aaaa::1', 32, 64);
    expect(group).toBe('2001:db8:1:2:0:0:0:0/64');
    expect(addressGroup('2001:0db8:0001:0002:ffff:ffff:ffff:ffff', 32, 64)).toBe(group);
    expect(addressGroup('2001:db8:1:3::1', 32, 64)).not.toBe(group);
    expect(addressGroup('fe80::1%eth0', 32, 64)).toBe('fe80:0:0:0:0:0:0:0/64');
    expect(addressGroup('::ffff:1.2.3.4', 32, 128)).toBe('0:0:0:0:0:ffff:102:304/128');
  });

  it('is an IPv4 address itself by default, and its prefix when one is set', () => {
    expect(addressGroup('203.0.113.9', 32, 64)).toBe('203.0.113.9/32');
    expect(addressGroup('203.0.113.9', 24, 64)).toBe('203.0.113.0/24');
    expect(addressGroup('203.0.113.250', 24, 64)).toBe(addressGroup('203.0.113.9', 24, 64));
    expect(addressGroup('203.0.114.9', 24, 64)).not.toBe(addressGroup('203.0.113.9', 24, 64));
    expect(addressGroup('203.0.113.9', 20, 64)).toBe('203.0.112.0/20');
  });

  it('leaves what is not an address as it is', () => {
    expect(addressGroup('/run/hearth.sock', 32, 64)).toBe('/run/hearth.sock');
  });
});
