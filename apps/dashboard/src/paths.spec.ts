import { describe, expect, it } from 'vitest';
import { bandPath, isolatedPoints, layoutMarkerLabels, linePath, maxValue } from './paths';

const p = (x: number, y: number) => ({ x, y });

describe('linePath', () => {
  it('breaks at gaps unless asked to connect them', () => {
    const pts = [p(0, 10), p(10, 20.04), null, p(30, 5), p(40, 6)];
    expect(linePath(pts)).toBe('M0,10L10,20M30,5L40,6');
    expect(linePath(pts, true)).toBe('M0,10L10,20L30,5L40,6');
    expect(linePath([null, null])).toBe('');
  });

  it('finds points a gapped line would hide', () => {
    expect(isolatedPoints([p(0, 1), null, p(2, 3), null, p(4, 5), p(5, 6)])).toEqual([p(0, 1), p(2, 3)]);
  });
});

describe('bandPath', () => {
  it('closes one polygon per run where both edges exist', () => {
    const upper = [p(0, 1), p(1, 2), null, p(3, 4), p(4, 4)];
    const lower = [p(0, 5), p(1, 6), p(2, 6), p(3, 8), null];
    expect(bandPath(upper, lower)).toBe('M0,1L1,2L1,6L0,5Z');
  });
});

describe('layoutMarkerLabels', () => {
  it('staggers close labels and hides those beyond the rows', () => {
    expect(layoutMarkerLabels([300, 10, 40, 200, 60], 55, 2)).toEqual([0, 0, 1, 0, -1]);
  });
});

describe('maxValue', () => {
  it('ignores missing values', () => {
    expect(maxValue([1, null, 5], [undefined, 3, NaN])).toBe(5);
    expect(maxValue([null])).toBe(0);
  });
});
