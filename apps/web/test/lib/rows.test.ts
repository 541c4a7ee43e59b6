import { describe, expect, it } from 'vitest';
import { layoutRows } from '../../src/lib/rows.js';

const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const entry = (key: string, user_id: number, iso: string) => ({ key, user_id, created_at: at(iso) });

describe('laying out messages', () => {
  const now = new Date('2026-03-10T12:00:00');

  it('groups a run from one sender and starts a new run for another sender or after a pause', () => {
    const rows = layoutRows(
      [
        entry('a', 1, '2026-03-10T09:00:00'),
        entry('b', 1, '2026-03-10T09:04:00'),
        entry('c', 2, '2026-03-10T09:05:00'),
        entry('d', 2, '2026-03-10T09:20:00'),
      ],
      now,
    );
    expect(rows.map((row) => (row.kind === 'day' ? row.label : `${row.key}${row.lead ? '*' : ''}`))).toEqual([
      'Today',
      'a*',
      'b',
      'c*',
      'd*',
    ]);
  });

  it('starts a new run after a line of its own, such as a group change, even from the same sender', () => {
    const rows = layoutRows(
      [entry('a', 1, '2026-03-10T09:00:00'), { ...entry('line', 1, '2026-03-10T09:01:00'), apart: true }, entry('b', 1, '2026-03-10T09:02:00')],
      now,
    );
    expect(rows.map((row) => (row.kind === 'day' ? row.label : `${row.key}${row.lead ? '*' : ''}`))).toEqual(['Today', 'a*', 'line', 'b*']);
  });

  it('puts a separator before each new day, and starts a run after it', () => {
    const rows = layoutRows([entry('a', 1, '2026-03-08T23:59:00'), entry('b', 1, '2026-03-09T00:01:00')], now);
    const labels = rows.map((row) => (row.kind === 'day' ? row.label : row.key));
    expect(labels.slice(1)).toEqual(['a', 'Yesterday', 'b']);
    // Older days are named by the reader's locale: a weekday and date such as "Sunday, March 8".
    expect(labels[0]).toMatch(/8/);
    expect(rows[3]).toMatchObject({ kind: 'entry', lead: true });
  });
});
