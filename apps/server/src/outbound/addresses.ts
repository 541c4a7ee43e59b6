import ipaddr from 'ipaddr.js';

/**
 * Whether an IP address is on the public internet. Only ipaddr.js's plain `unicast` range counts: private,
 * loopback, link-local, unique-local, CGNAT (100.64/10), multicast, unspecified, broadcast, reserved and
 * documentation ranges are refused, and so are the IPv6 forms that carry an IPv4 address inside them (NAT64, 6to4,
 * Teredo), since the address they lead to cannot be told from here. An IPv4-mapped IPv6 address is judged as the
 * IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'unicast';
}

/** The range an address is in, as ipaddr.js names it ('unicast' for a public one), or 'invalid'. */
export function addressRange(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!isAddress(bare)) return 'invalid';
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range();
}

/**
 * Whether text is an IP address as sockets and URLs write one: four decimal parts, or IPv6 (brackets allowed). The
 * old short forms (`127.1`, `0x7f.1`) never reach here: the URL parser rewrites them, and sockets never give them.
 */
export function isAddress(text: string): boolean {
  const bare = text.replace(/^\[|\]$/g, '');
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare);
}
