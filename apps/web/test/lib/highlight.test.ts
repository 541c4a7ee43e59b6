import { searchTerms } from '@hearth/protocol';
import { describe, expect, it } from 'vitest';
import { fromFirstMatch, highlight, readable } from '../../src/lib/highlight.js';

const marked = (text: string, query: string) =>
  highlight(text, searchTerms(query))
    .map((part) => (part.match ? `[${part.text}]` : part.text))
    .join('');

describe('marking the words a search found', () => {
  it('marks whole words, ignoring case and accents, and keeps the rest as it was', () => {
    expect(marked('Crème brûlée at the CAFÉ, then café again', 'creme cafe')).toBe('[Crème] brûlée at the [CAFÉ], then [café] again');
    expect(marked('cafeteria', 'cafe')).toBe('cafeteria');
  });

  it('marks longer words only for a last word asked as a prefix', () => {
    expect(marked('deploy the deployment', 'deplo*')).toBe('[deploy] the [deployment]');
    expect(marked('deploy the deployment', 'deploy')).toBe('[deploy] the deployment');
  });

  it('leaves text without a match whole', () => {
    expect(highlight('nothing here', searchTerms('zebra'))).toEqual([{ text: 'nothing here', match: false }]);
  });
});

describe('showing a long message from its first match', () => {
  it('cuts what comes long before it back to a word, after an ellipsis', () => {
    const text = `${'words before it '.repeat(10)}the needle and after`;
    const parts = fromFirstMatch(highlight(text, searchTerms('needle')));
    expect(parts[0]!.text.startsWith('…')).toBe(true);
    expect(parts[0]!.text.length).toBeLessThanOrEqual(61);
    expect(parts[0]!.text).toMatch(/^…\S/);
    expect(parts.map((p) => p.text).join('')).toMatch(/the needle and after$/);
  });

  it('keeps a short lead as it is', () => {
    const parts = highlight('a needle', searchTerms('needle'));
    expect(fromFirstMatch(parts)).toEqual(parts);
  });
});

describe('a message as a result shows it', () => {
  it('reads without formatting marks, with mentions by name, on one line', () => {
    const names = new Map([[7, 'Zoë']]);
    const text = readable('**Meet** <@7> at the _old_ `lighthouse`\n\n> at dawn\n\n```\nbring a torch\n```', (id) => names.get(id) ?? '?');
    expect(text).toBe('Meet @Zoë at the old lighthouse at dawn bring a torch');
  });
});
