import { describe, expect, it } from 'vitest';
import { runsOfMinutes } from './rollup.service';

const M = 60_000;

describe('runsOfMinutes', () => {
  it('groups consecutive minutes into one range each, so late fragments cost one reconcile per run of minutes', () => {
    expect(runsOfMinutes([10 * M, 11 * M, 12 * M, 20 * M, 22 * M, 23 * M])).toEqual([
      [10 * M, 13 * M],
      [20 * M, 21 * M],
      [22 * M, 24 * M],
    ]);
    expect(runsOfMinutes([])).toEqual([]);
  });
});
