import { isIPv4, isIPv6 } from 'node:net';

/**
 * The group an address's unauthenticated connections share a pool with: its IPv4 prefix of `v4Bits`, or its IPv6
 * prefix of `v6Bits`. One IPv6 subscriber usually holds a whole /64 (2^64 addresses), so counting addresses one by one
 * would give a single host an unbounded share. Anything that is not an address (a Unix socket) is its own group.
 */
export function addressGroup(address: string, v4Bits: number, v6Bits: number): string {
  if (isIPv4(address)) return `${masked(address.split('.').map(Number), 8, v4Bits).join('.')}/${v4Bits}`;
  if (isIPv6(address)) return `${masked(ipv6Groups(address), 16, v6Bits).map((g) => g.toString(16)).join(':')}/${v6Bits}`;
  return address;
}

/** Keeps the first `bits` bits of numbers `width` bits wide each. */
function masked(parts: number[], width: number, bits: number): number[] {
  return parts.map((part, i) => {
    const kept = Math.min(width, Math.max(0, bits - i * width));
    return kept === 0 ? 0 : part & (((1 << kept) - 1) << (width - kept));
  });
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded and a trailing IPv4 part (`::ffff:1.2.3.4`) read as two. */
function ipv6Groups(address: string): number[] {
  const [plain = ''] = address.split('%');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(plain);
  const text = dotted === null ? plain : `${plain.slice(0, dotted.index)}${(((+dotted[1]! << 8) | +dotted[2]!)).toString(16)}:${(((+dotted[3]! << 8) | +dotted[4]!)).toString(16)}`;
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}
