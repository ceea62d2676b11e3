import { describe, expect, it } from 'vitest';
import { QuantileSketch } from '@parallax/sketch';
import { autoBucketMinutes, bucketize } from './rum-query';

const sketchOf = (values: number[]) => {
  const s = new QuantileSketch();
  for (const v of values) s.add(v);
  return s;
};

describe('bucketize', () => {
  it('merges minutes and parts into buckets, with empty buckets present', () => {
    const t0 = Date.UTC(2026, 0, 1, 10, 0);
    const rows = [
      { minute: t0, count: 2, sketch: sketchOf([100, 200]) },
      { minute: t0, count: 1, sketch: sketchOf([300]) },
      { minute: t0 + 60_000, count: 1, sketch: sketchOf([400]) },
    ];
    const points = bucketize(rows, t0, t0 + 10 * 60_000, 5);
    expect(points).toHaveLength(2);
    expect(points[0].count).toBe(4);
    expect(points[0].p50).toBeCloseTo(200, -1);
    expect(points[1]).toEqual({ start: new Date(t0 + 5 * 60_000).toISOString(), count: 0, p50: null, p75: null, p95: null });
  });
  it('does not change the rows it merged', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const first = sketchOf([1]);
    bucketize([{ minute: t0, count: 1, sketch: first }, { minute: t0, count: 1, sketch: sketchOf([9]) }], t0, t0 + 60_000, 1);
    expect(first.count).toBe(1);
  });
  it('picks bucket sizes that keep the series short', () => {
    expect(autoBucketMinutes(0, 60 * 60_000)).toBe(1);
    expect(autoBucketMinutes(0, 24 * 60 * 60_000)).toBe(5);
    expect(autoBucketMinutes(0, 30 * 24 * 60 * 60_000)).toBe(360);
  });
});
