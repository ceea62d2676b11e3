import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuantileSketch } from './index';
import {
  CHECKED_QUANTILES,
  exactQuantile,
  expectWithinAccuracy,
  logNormal,
  normalFrom,
  seededRandom,
  sketchOf,
} from './spec-helpers';

describe('QuantileSketch accuracy (nearest-rank: the ceil(q*n)-th smallest value)', () => {
  it('is within 1% on log-normal LCP-like values', () => {
    const values = logNormal(20_000, 2500, 0.5, 1);
    expectWithinAccuracy(sketchOf(values), values);
  });

  it('is within 1% on uniform values over 1..60000 ms', () => {
    const random = seededRandom(2);
    const values = Array.from({ length: 20_000 }, () => 1 + random() * 59_999);
    expectWithinAccuracy(sketchOf(values), values);
  });

  it('is within 1% on heavy-tailed (Pareto, shape 1.1) values spanning many decades', () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 20_000 }, () => 50 / Math.pow(1 - random(), 1 / 1.1));
    expect(Math.max(...values) / Math.min(...values)).toBeGreaterThan(1e3);
    expectWithinAccuracy(sketchOf(values), values);
  });

  it('is within 1% on CLS-like values with many zeros and tiny shifts', () => {
    const random = seededRandom(4);
    const normal = normalFrom(random);
    const values = Array.from({ length: 20_000 }, () =>
      random() < 0.6 ? 0 : Math.min(5, 0.02 * Math.exp(1.5 * normal())),
    );
    expect(values.filter((v) => v > 0 && v < 0.001).length).toBeGreaterThan(50);
    const sketch = sketchOf(values);
    expectWithinAccuracy(sketch, values);
    expect(sketch.quantile(0.5)).toBe(0);
    expect(sketch.quantile(0.75)).toBeGreaterThan(0);
  });

  it('stays within accuracy for values on exact bucket boundaries and small integers', () => {
    const gamma = 1.01 / 0.99;
    const boundaries = Array.from({ length: 2000 }, (_, i) => Math.pow(gamma, i - 1000));
    const integers = Array.from({ length: 3000 }, (_, i) => i + 1);
    for (const values of [boundaries, integers]) {
      const qs = Array.from({ length: 201 }, (_, i) => i / 200);
      expectWithinAccuracy(sketchOf(values), values, 0.01, qs);
    }
  });

  it('honours a custom relative accuracy', () => {
    const values = logNormal(5000, 2500, 0.5, 5);
    const coarse = sketchOf(values, 0.05);
    expect(coarse.relativeAccuracy).toBe(0.05);
    expectWithinAccuracy(coarse, values, 0.05);
    expect(coarse.toBytes().length).toBeLessThan(sketchOf(values).toBytes().length);
  });

  it('applies the nearest-rank rule and returns exact min and max at the ends', () => {
    const sketch = sketchOf([10, 20, 30, 40]);
    expect(sketch.quantile(0)).toBe(10);
    expect(sketch.quantile(1)).toBe(40);
    expect(sketch.quantile(0.25)).toBe(10); // rank 1
    expect(Math.abs(sketch.quantile(0.5) - 20) / 20).toBeLessThanOrEqual(0.01);
    expect(Math.abs(sketch.quantile(0.51) - 30) / 30).toBeLessThanOrEqual(0.01); // rank 3
    // 0.07 * 100 is 7.000000000000001 in floating point: still rank 7, not 8.
    const hundred = sketchOf(Array.from({ length: 100 }, (_, i) => (i + 1) * 100));
    expect(Math.abs(hundred.quantile(0.07) - 700) / 700).toBeLessThanOrEqual(0.01);
  });

  it('clamps estimates into [min, max]', () => {
    const sketch = sketchOf([1000, 1000, 1000]);
    expect(sketch.quantiles([0, 0.5, 1])).toEqual([1000, 1000, 1000]);
  });

  it('answers quantiles() in the caller order, equal to quantile() one by one', () => {
    const sketch = sketchOf(logNormal(2000, 2500, 0.5, 6));
    const qs = [0.99, 0.5, 0, 0.75, 1, 0.5, 0.01];
    expect(sketch.quantiles(qs)).toEqual(qs.map((q) => sketch.quantile(q)));
  });
});

describe('QuantileSketch counters and input checks', () => {
  it('tracks count, sum, min and max exactly', () => {
    const sketch = sketchOf([5, 0, 1200.5, 3]);
    sketch.add(7, 3);
    expect(sketch.count).toBe(7);
    expect(sketch.sum).toBe(5 + 1200.5 + 3 + 21);
    expect(sketch.min).toBe(0);
    expect(sketch.max).toBe(1200.5);
    expect(sketch.isEmpty()).toBe(false);
  });

  it('treats add(value, count) like count separate adds', () => {
    const weighted = new QuantileSketch();
    const repeated = new QuantileSketch();
    for (const [value, count] of [[0, 4], [0.003, 2], [1800, 5], [1801, 1], [45_000, 3]]) {
      weighted.add(value, count);
      for (let i = 0; i < count; i++) repeated.add(value);
    }
    expect(weighted.toBytes()).toEqual(repeated.toBytes());
  });

  it('rejects negative, NaN and infinite values and bad counts without changing the sketch', () => {
    const sketch = sketchOf([100, 200]);
    const before = sketch.toBytes();
    for (const value of [-1, -1e-9, NaN, Infinity, -Infinity]) expect(() => sketch.add(value)).toThrow(RangeError);
    for (const count of [0, -2, 1.5, NaN, Infinity, 2 ** 60]) expect(() => sketch.add(5, count)).toThrow(RangeError);
    expect(sketch.toBytes()).toEqual(before);
  });

  it('stores -0 as 0', () => {
    const sketch = sketchOf([-0]);
    expect(Object.is(sketch.min, 0)).toBe(true);
    expect(sketch.toBytes()).toEqual(sketchOf([0]).toBytes());
  });

  it('rejects out-of-range accuracies and quantiles', () => {
    for (const accuracy of [0, 1, -0.01, NaN, 1e-5]) expect(() => new QuantileSketch(accuracy)).toThrow(RangeError);
    const sketch = sketchOf([1]);
    for (const q of [-0.01, 1.01, NaN]) expect(() => sketch.quantile(q)).toThrow(RangeError);
    expect(() => sketch.quantiles([0.5, 2])).toThrow(RangeError);
  });

  it('behaves sensibly when empty', () => {
    const empty = new QuantileSketch();
    expect(empty.isEmpty()).toBe(true);
    expect(empty.count).toBe(0);
    expect(empty.sum).toBe(0);
    expect(empty.min).toBeNaN();
    expect(empty.max).toBeNaN();
    expect(empty.quantile(0.5)).toBeNaN();
    expect(empty.quantiles([0, 1])).toEqual([NaN, NaN]);
    expect(empty.toBytes()).toHaveLength(2);
    expect(QuantileSketch.fromBytes(empty.toBytes()).isEmpty()).toBe(true);
  });

  it('clones independently', () => {
    const original = sketchOf([1, 2, 3]);
    const copy = original.clone();
    copy.add(1e6);
    original.add(0);
    expect(original.max).toBe(3);
    expect(copy.min).toBe(1);
    expect(copy.count).toBe(4);
    expect(copy.quantile(1)).toBe(1e6);
  });

  it('clears to empty and refills like a new sketch, bytes included', () => {
    const reused = sketchOf([5, 500, 50_000, 0]);
    reused.clear();
    expect(reused.isEmpty()).toBe(true);
    expect(reused.count).toBe(0);
    expect(reused.quantile(0.5)).toBeNaN();
    for (const v of [1200, 1800, 2400, 9000]) reused.add(v);
    const fresh = sketchOf([1200, 1800, 2400, 9000]);
    expect(reused.quantiles([0, 0.5, 0.75, 1])).toEqual(fresh.quantiles([0, 0.5, 0.75, 1]));
    expect([reused.min, reused.max, reused.sum]).toEqual([fresh.min, fresh.max, fresh.sum]);
    expect(Buffer.from(reused.toBytes()).equals(Buffer.from(fresh.toBytes()))).toBe(true);
  });
});

describe('QuantileSketch merge', () => {
  it('merging parts gives exactly the sketch of the whole', () => {
    // Integer ms keep the float sum exact, so even the bytes must match.
    const values = logNormal(10_000, 2500, 0.5, 7).map(Math.round);
    const whole = sketchOf(values);
    const parts = Array.from({ length: 10 }, (_, i) => sketchOf(values.slice(i * 1000, (i + 1) * 1000)));
    const merged = new QuantileSketch();
    for (const part of parts) merged.merge(part);
    expect(merged.toBytes()).toEqual(whole.toBytes());
    expect(QuantileSketch.mergeAll(parts).toBytes()).toEqual(whole.toBytes());
    expect(merged.quantiles(CHECKED_QUANTILES)).toEqual(whole.quantiles(CHECKED_QUANTILES));
  });

  it('merges sketches whose buckets lie far apart, growing the store both ways', () => {
    const low = sketchOf([1e-6, 2e-6, 0]);
    const high = sketchOf([1e6, 3e8]);
    const middle = sketchOf([1, 2]);
    middle.merge(high);
    middle.merge(low);
    const values = [1e-6, 2e-6, 0, 1e6, 3e8, 1, 2];
    expectWithinAccuracy(middle, values, 0.01, [0, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9, 1]);
    expect(middle.count).toBe(7);
  });

  it('merges a sketch with itself by doubling every count', () => {
    const sketch = sketchOf([0, 10, 20, 30]);
    sketch.merge(sketch);
    expect(sketch.count).toBe(8);
    expect(sketch.toBytes()).toEqual(sketchOf([0, 0, 10, 10, 20, 20, 30, 30]).toBytes());
  });

  it('ignores empty sketches and fills an empty one', () => {
    const full = sketchOf([3, 4]);
    const empty = new QuantileSketch();
    full.merge(new QuantileSketch());
    empty.merge(full);
    expect(full.count).toBe(2);
    expect(empty.toBytes()).toEqual(full.toBytes());
  });

  it('refuses to merge different accuracies', () => {
    const a = sketchOf([1], 0.01);
    const b = sketchOf([1], 0.02);
    expect(() => a.merge(b)).toThrow(/different relative accuracy/);
    expect(() => QuantileSketch.mergeAll([a, b])).toThrow(/different relative accuracy/);
  });

  it('mergeAll takes any iterable and returns a fresh sketch', () => {
    function* sketches() {
      yield sketchOf([1, 2], 0.02);
      yield sketchOf([3], 0.02);
    }
    const merged = QuantileSketch.mergeAll(sketches());
    expect(merged.relativeAccuracy).toBe(0.02);
    expect(merged.count).toBe(3);
    const empty = QuantileSketch.mergeAll([]);
    expect(empty.isEmpty()).toBe(true);
    expect(empty.relativeAccuracy).toBe(0.01);
  });
});

// Values from 0 and 1e-6 up to 1e9: the guarantee covers all normal doubles, these keep shrinking readable.
const valueArb = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e9, noNaN: true }));
const valuesArb = fc.array(valueArb, { maxLength: 200 });
const accuracyArb = fc.constantFrom(0.01, 0.001, 0.02, 0.1);

describe('QuantileSketch properties', () => {
  it('every quantile is within the relative accuracy of the exact nearest-rank value', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 300 }), accuracyArb, fc.double({ min: 0, max: 1, noNaN: true }), (values, accuracy, q) => {
        const sorted = [...values].sort((a, b) => a - b);
        const estimate = sketchOf(values, accuracy).quantile(q);
        const exact = exactQuantile(sorted, q);
        if (exact === 0) return estimate === 0;
        return Math.abs(estimate - exact) / exact <= accuracy * (1 + 1e-9);
      }),
      { numRuns: 500 },
    );
  });

  it('merge is commutative and associative on quantiles, count, min and max', () => {
    const summary = (s: QuantileSketch) => [s.count, s.min, s.max, ...s.quantiles(CHECKED_QUANTILES)];
    fc.assert(
      fc.property(valuesArb, valuesArb, valuesArb, (xs, ys, zs) => {
        const [x, y, z] = [sketchOf(xs), sketchOf(ys), sketchOf(zs)];
        const xy = QuantileSketch.mergeAll([x, y]);
        const yx = QuantileSketch.mergeAll([y, x]);
        expect(summary(xy)).toEqual(summary(yx));
        const left = QuantileSketch.mergeAll([xy, z]); // (x + y) + z
        const right = x.clone();
        right.merge(QuantileSketch.mergeAll([y, z])); // x + (y + z)
        expect(summary(left)).toEqual(summary(right));
        expect(left.sum).toBeCloseTo(right.sum, 0);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips through bytes exactly', () => {
    fc.assert(
      fc.property(valuesArb, accuracyArb, (values, accuracy) => {
        const sketch = sketchOf(values, accuracy);
        const bytes = sketch.toBytes();
        const back = QuantileSketch.fromBytes(bytes);
        expect(back.toBytes()).toEqual(bytes);
        expect([back.count, back.sum, back.min, back.max, back.relativeAccuracy]).toEqual([
          sketch.count,
          sketch.sum,
          sketch.min,
          sketch.max,
          sketch.relativeAccuracy,
        ]);
        expect(back.quantiles(CHECKED_QUANTILES)).toEqual(sketch.quantiles(CHECKED_QUANTILES));
      }),
      { numRuns: 300 },
    );
  });
});

describe('addToEach', () => {
  it('gives every sketch exactly what add() would', () => {
    const values = [0, 0.001, 0.5, 1, 37.2, 2500, 2500, 61234.5];
    const viaEach = [new QuantileSketch(), new QuantileSketch(), new QuantileSketch()];
    const viaAdd = [new QuantileSketch(), new QuantileSketch(), new QuantileSketch()];
    for (const v of values) {
      viaEach[0].addToEach(v, [viaEach[1], viaEach[2]]);
      for (const s of viaAdd) s.add(v);
    }
    for (let i = 0; i < 3; i++) expect(Buffer.from(viaEach[i].toBytes())).toEqual(Buffer.from(viaAdd[i].toBytes()));
  });
  it('falls back to add() for a sketch of another accuracy, and rejects bad values like add()', () => {
    const coarse = new QuantileSketch(0.05);
    const fine = new QuantileSketch();
    fine.addToEach(100, [coarse]);
    expect(coarse.quantile(0.5)).toBeCloseTo(100, -1);
    expect(() => fine.addToEach(-1, [])).toThrow(RangeError);
  });
});

describe('QuantileSketch.countAtMost', () => {
  it('counts values at or below a threshold within the relative accuracy', () => {
    const sketch = new QuantileSketch();
    for (let v = 1; v <= 1000; v++) sketch.add(v * 10); // 10 .. 10000
    expect(sketch.countAtMost(2500)).toBeGreaterThanOrEqual(245);
    expect(sketch.countAtMost(2500)).toBeLessThanOrEqual(255) // one bucket spans 2 × 1 % relative accuracy;
    expect(sketch.countAtMost(5)).toBe(0);
    expect(sketch.countAtMost(10_000)).toBe(1000);
    expect(sketch.countAtMost(1e9)).toBe(1000);
    expect(new QuantileSketch().countAtMost(100)).toBe(0);
  });
  it('counts zeros (a CLS of 0 is good)', () => {
    const sketch = new QuantileSketch();
    sketch.add(0, 5);
    sketch.add(0.3, 5);
    expect(sketch.countAtMost(0.1)).toBe(5);
    expect(sketch.countAtMost(0.25)).toBe(5);
    expect(sketch.countAtMost(0.3)).toBe(10);
  });
});
