import { describe, expect, it } from 'vitest';
import { isRangeKey, mergeRoutes, queryString, rangeHolding, windowOf, rangeWindow } from './range';

describe('rangeWindow', () => {
  it('ends on the bucket boundary after now', () => {
    const now = Date.parse('2025-11-24T14:07:30Z');
    const w = rangeWindow('6h', now);
    expect(new Date(w.toMs).toISOString()).toBe('2025-11-24T14:10:00.000Z');
    expect(new Date(w.fromMs).toISOString()).toBe('2025-11-24T08:10:00.000Z');
    expect(w.bucketMinutes).toBe(5);
    expect(rangeWindow('7d', now).bucketMinutes).toBe(60);
    expect(isRangeKey('24h')).toBe(true);
    expect(isRangeKey('toString')).toBe(false);
  });
});

describe('queryString', () => {
  it('encodes and skips empty values', () => {
    expect(queryString({ route: '/product/:id', segment: null, source: 'rum', limit: 20, x: '' })).toBe('?route=%2Fproduct%2F%3Aid&source=rum&limit=20');
    expect(queryString({})).toBe('');
  });
});

describe('mergeRoutes', () => {
  it('joins both sources by route, busiest first', () => {
    expect(mergeRoutes([{ route: '/a', beacons: 5 }, { route: '/b', beacons: 50 }], [{ route: '/a', beacons: 3 }, { route: '/c', beacons: 1 }])).toEqual([
      { route: '/b', rum: 50, synthetic: 0 },
      { route: '/a', rum: 5, synthetic: 3 },
      { route: '/c', rum: 0, synthetic: 1 },
    ]);
  });
});

describe('ranges that hold data', () => {
  const now = Date.UTC(2026, 0, 10, 12);
  it('picks the smallest range holding the newest data, or none', () => {
    expect(rangeHolding(now - 10 * 60_000, now)).toBe('1h');
    expect(rangeHolding(now - 3 * 3_600_000, now)).toBe('6h');
    expect(rangeHolding(now - 3 * 86_400_000, now)).toBe('7d');
    expect(rangeHolding(now - 30 * 86_400_000, now)).toBeNull();
    expect(rangeHolding(null, now)).toBeNull();
  });
  it('prefers a dragged window over the named range', () => {
    expect(windowOf({ range: '7d', from: now - 3_600_000, to: now }, now)).toMatchObject({ fromMs: now - 3_600_000, toMs: now, custom: true, bucketMinutes: 1 });
    expect(windowOf({}, now)).toMatchObject({ custom: false, key: '24h', bucketMinutes: 15 });
  });
});
