/** Moments told relative to now, as lists of devices, members and invites show them, in the reader's locale. */

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** Each unit with how many seconds it spans, largest first. */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/**
 * A moment (seconds since the epoch, as the server sends them) in the largest unit that fits at least once: "3 hours
 * ago", "in 7 days", "just now" within a minute.
 */
export function relativeTime(seconds: number, now = Date.now() / 1000): string {
  const delta = seconds - now;
  for (const [unit, span] of UNITS) {
    if (Math.abs(delta) >= span) return relative.format(Math.round(delta / span), unit);
  }
  return delta <= 0 ? 'just now' : 'in under a minute';
}

/** Time left as minutes and seconds, "9:05", for a countdown. */
export function countdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
