import { MAX_DEVICE_LABEL_LENGTH } from '@hearth/protocol';

// Checked in order: Edge and Opera also say Chrome, Chrome also says Safari, and Android also says Linux.
const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

const first = (table: [RegExp, string][], text: string): string | undefined => table.find(([pattern]) => pattern.test(text))?.[1];

/**
 * How a new session is named in the user's device list: what the device said, or else its browser and system as
 * the User-Agent tells them ("Firefox on Linux"), or else its software's first word ("node", "curl").
 */
export function deviceLabel(given: string | undefined, userAgent: string | undefined): string {
  const named = given?.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (named) return named.slice(0, MAX_DEVICE_LABEL_LENGTH);
  const agent = userAgent ?? '';
  const browser = first(BROWSERS, agent);
  const system = first(SYSTEMS, agent);
  if (browser !== undefined) return system === undefined ? browser : `${browser} on ${system}`;
  const software = /^[\w.-]+/.exec(agent)?.[0];
  return software === undefined ? 'Unknown device' : software.slice(0, MAX_DEVICE_LABEL_LENGTH);
}
