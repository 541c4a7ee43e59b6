import { describe, expect, it } from 'vitest';
import { defaultNotifyLevel, notifies, type NotifyLevel } from '../src/index.js';

describe('notify levels', () => {
  it('default to mentions in the lobby and to everything elsewhere', () => {
    expect([defaultNotifyLevel('lobby'), defaultNotifyLevel('dm'), defaultNotifyLevel('group'), defaultNotifyLevel(undefined)]).toEqual(['mentions', 'all', 'all', 'all']);
  });

  it('let through everything, mentions of the member only, or nothing; a level not known yet counts as everything', () => {
    const plain = {};
    const mentioning = { mentions: [7] };
    const seen = (level: string) => [notifies(level as NotifyLevel, plain, 7), notifies(level as NotifyLevel, mentioning, 7)];
    expect(seen('all')).toEqual([true, true]);
    expect(seen('mentions')).toEqual([false, true]);
    expect(seen('none')).toEqual([false, false]);
    expect(seen('loud')).toEqual([true, true]);
  });
});
