import { dayKey, dayLabel, fromSeconds } from './time.js';

/** Anything shown as a message: a stored one, or one still on its way. */
export interface Entry {
  key: string;
  user_id: number;
  /** Seconds since the epoch. */
  created_at: number;
  /** A line of its own (a group change): it is no one's message, so whatever follows it starts a run. */
  apart?: boolean;
}

export type Row<E extends Entry> =
  | { kind: 'day'; key: string; label: string }
  /** `lead` starts a run of messages: it shows the sender's name and avatar. */
  | { kind: 'entry'; key: string; entry: E; lead: boolean };

/** Messages from one sender this close together read as one run. */
const RUN_GAP_SECONDS = 5 * 60;

/** Lays entries out with a separator at each new day and each sender's run of messages grouped. */
export function layoutRows<E extends Entry>(entries: readonly E[], now = new Date()): Row<E>[] {
  const rows: Row<E>[] = [];
  let previous: E | undefined;
  for (const entry of entries) {
    const date = fromSeconds(entry.created_at);
    const newDay = previous === undefined || dayKey(fromSeconds(previous.created_at)) !== dayKey(date);
    if (newDay) rows.push({ kind: 'day', key: `day-${dayKey(date)}`, label: dayLabel(date, now) });
    const lead =
      newDay ||
      previous === undefined ||
      previous.apart === true ||
      previous.user_id !== entry.user_id ||
      entry.created_at - previous.created_at > RUN_GAP_SECONDS;
    rows.push({ kind: 'entry', key: entry.key, entry, lead });
    previous = entry;
  }
  return rows;
}
