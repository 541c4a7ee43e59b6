/**
 * Host names that are local by their look, refused before anything is resolved. This is only an early, cheap
 * refusal with a clear error: the guard's check of the address actually connected to (guard.ts) is what keeps
 * requests out of the server's own network, whatever a name resolves to.
 */
const LOCAL_SUFFIXES = ['localhost', 'local', 'lan', 'home.arpa', 'internal', 'localdomain', 'intranet', 'home', 'corp'];

/** Public names that resolve to loopback or to whatever address is written in them. */
const LOOPBACK_NAMES = ['localtest.me', 'lvh.me', 'vcap.me', 'localho.st', 'nip.io', 'sslip.io', 'xip.io'];

/** A host name as compared: lower case, without the brackets of an IPv6 literal or the trailing dots of a FQDN. */
export function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');
}

const within = (host: string, zone: string) => host === zone || host.endsWith(`.${zone}`);

/** Whether a name is local by its look: one label, a local suffix, a loopback service, or an address written in it. */
export function isLocalName(name: string): boolean {
  const host = normaliseHost(name);
  if (!host.includes('.')) return true;
  if (LOCAL_SUFFIXES.some((zone) => within(host, zone)) || LOOPBACK_NAMES.some((zone) => within(host, zone))) return true;
  // 127.0.0.1.example.com and 127-0-0-1.example.com: wildcard DNS that answers with the address in the name.
  return /(^|[.-])\d{1,3}[.-]\d{1,3}[.-]\d{1,3}[.-]\d{1,3}([.-]|$)/.test(host);
}
