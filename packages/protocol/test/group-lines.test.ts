import { describe, expect, it } from 'vitest';
import { groupEventText, type GroupEvent } from '../src/index.js';

const names: Record<number, string> = { 1: 'Ann', 2: 'Dan', 3: 'Eve', 4: 'Fay' };
const text = (event: GroupEvent) => groupEventText(event, 1, (id) => names[id]!);

describe('a group change line in words', () => {
  it('names who was added or removed, listing several with commas and "and"', () => {
    expect(text({ kind: 'added', users: [2] })).toBe('Ann added Dan');
    expect(text({ kind: 'added', users: [2, 3] })).toBe('Ann added Dan and Eve');
    expect(text({ kind: 'removed', users: [2, 3, 4] })).toBe('Ann removed Dan, Eve and Fay');
  });

  it('tells of leaving and of a new name or a name taken away', () => {
    expect(text({ kind: 'left' })).toBe('Ann left');
    expect(text({ kind: 'renamed', title: 'Trip' })).toBe('Ann renamed the group to Trip');
    expect(text({ kind: 'renamed' })).toBe("Ann removed the group's name");
  });

  it('has no words for a kind this version does not know', () => {
    expect(text({ kind: 'archived' } as unknown as GroupEvent)).toBeUndefined();
  });
});
