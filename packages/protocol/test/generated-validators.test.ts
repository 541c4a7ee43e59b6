import { describe, expect, it } from 'vitest';
import { validatorModules } from '../scripts/validators.js';

describe('the generated validators in src/generated', () => {
  it.each(Object.entries(validatorModules()))('%s is what the schemas generate today', async (name, text) => {
    await expect(text).toMatchFileSnapshot(`../src/generated/${name}`);
  });
});
