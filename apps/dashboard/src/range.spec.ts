import { describe, expect, it } from 'vitest';
import { isRangeKey, mergeRoutes, parseSegment, queryString, rangeWindow } from './range';

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

describe('parseSegment', () => {
  it('accepts dim:value, dim=value and dim value', () => {
    expect(parseSegment('country:BR')).toEqual({ segment: 'country:BR' });
    expect(parseSegment(' Connection = 3g ')).toEqual({ segment: 'connection:3g' });
    expect(parseSegment('browser Chrome 131')).toEqual({ segment: 'browser:Chrome 131' });
    expect(parseSegment('')).toEqual({ segment: null });
  });

  it('explains what is wrong', () => {
    expect(parseSegment('BR')).toHaveProperty('error');
    expect(parseSegment('planet:mars')).toEqual({ error: expect.stringContaining('Unknown dimension "planet"') });
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
