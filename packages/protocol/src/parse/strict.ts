import { strictServerEventChecks } from '../generated/strict-server-events.js';

/**
 * Each server event's check as declared, for `parseServerEvent(text, { strict: true })`. Browser bundles get
 * strict.browser.ts in its place (see `browser` in package.json): strict parsing checks a server's own output in its
 * tests, and its checks would double what a page loads.
 */
export const strictChecks: ReadonlyMap<string, (value: unknown) => boolean> = new Map(Object.entries(strictServerEventChecks));
