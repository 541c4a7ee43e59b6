import { describe, expect, it } from 'vitest';
import { countdown, relativeTime } from '../../src/lib/relative-time.js';

const now = 1_800_000_000;

describe('relative times', () => {
  it('names a moment in the largest unit that fits', () => {
    expect(relativeTime(now - 20, now)).toBe('just now');
    expect(relativeTime(now - 5 * 60, now)).toBe('5 minutes ago');
    expect(relativeTime(now - 3 * 3600, now)).toBe('3 hours ago');
    expect(relativeTime(now - 86_400, now)).toBe('yesterday');
    expect(relativeTime(now + 2 * 86_400, now)).toBe('in 2 days');
  });

  it('rounds a moment just short of a whole unit up to it, as a fresh 7-day invite reads', () => {
    expect(relativeTime(now + 7 * 86_400 - 1, now)).toBe('in 7 days');
    expect(relativeTime(now + 30 * 86_400 - 1, now)).toBe('in 30 days');
  });

  it('counts down in minutes and seconds', () => {
    expect(countdown(600_000)).toBe('10:00');
    expect(countdown(65_001)).toBe('1:06');
    expect(countdown(-5)).toBe('0:00');
  });
});
