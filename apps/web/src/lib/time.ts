/** Dates and times as people read them in a chat, in their own locale. */

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const dayThisYear = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const dayOtherYear = new Intl.DateTimeFormat(undefined, { month: 'long', day: 'numeric', year: 'numeric' });
const calendarDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** Seconds since the epoch, as the server sends them, to a Date. */
export function fromSeconds(seconds: number): Date {
  return new Date(seconds * 1000);
}

export function timeOfDay(date: Date): string {
  return clock.format(date);
}

export function fullDateTime(date: Date): string {
  return full.format(date);
}

/** A day, short: "12 Mar 2026". */
export function shortDate(date: Date): string {
  return calendarDate.format(date);
}

/** A key that differs between two calendar days in local time. */
export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

export function dayLabel(date: Date, now = new Date()): string {
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(date) === dayKey(now)) return 'Today';
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return (date.getFullYear() === now.getFullYear() ? dayThisYear : dayOtherYear).format(date);
}
