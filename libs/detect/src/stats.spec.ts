import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, hashSeed, mad, mannWhitneyGreater, median, mulberry32, normalCdf, normalQuantile, normalUpperTail, slidingWindowZ } from './stats';
import { bernoulliChangePoint } from './onset';

describe('normal distribution', () => {
  it('has the textbook values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(1e-5)).toBeCloseTo(-4.264891, 4);
  });
  it('keeps precision far in the upper tail', () => {
    expect(normalUpperTail(5) / 2.8665e-7).toBeCloseTo(1, 2);
    expect(normalUpperTail(2)).toBeCloseTo(0.02275, 4);
  });
});

describe('seeded PRNG', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = mulberry32(hashSeed(1, 'x'));
    const b = mulberry32(hashSeed(1, 'x'));
    const c = mulberry32(hashSeed(2, 'x'));
    const sa = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(sa);
    expect([c(), c(), c()]).not.toEqual(sa);
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('Benjamini-Hochberg', () => {
  it('adjusts p-values step-up and keeps input order', () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.5]);
    // sorted: 0.01 (x4/1=0.04), 0.03 (x4/2=0.06), 0.04 (x4/3=0.0533), 0.5 -> monotone from the top
    expect(q[0]).toBeCloseTo(0.04, 10);
    expect(q[2]).toBeCloseTo(0.04 * 4 / 3, 10);
    expect(q[1]).toBeCloseTo(0.04 * 4 / 3, 10);
    expect(q[3]).toBeCloseTo(0.5, 10);
  });
  it('rejects fewer than uncorrected testing with many nulls', () => {
    const p = [1e-6, ...Array.from({ length: 40 }, (_, i) => 0.02 + i * 0.02)];
    const q = benjaminiHochberg(p);
    expect(q.filter((x) => x <= 0.05)).toHaveLength(1);
    expect(p.filter((x) => x <= 0.05)).toHaveLength(3);
  });
});

describe('robust statistics', () => {
  it('median and MAD ignore one outlier', () => {
    expect(median([1, 2, 3, 4, 1000])).toBe(3);
    expect(mad([1, 2, 3, 4, 1000])).toBe(1);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('Mann-Whitney sees a clear shift and not a tie', () => {
    const base = Array.from({ length: 40 }, (_, i) => 100 + (i % 10));
    expect(mannWhitneyGreater([130, 131, 132, 133, 134], base)).toBeLessThan(1e-3);
    expect(mannWhitneyGreater([104, 105, 103, 106, 104], base)).toBeGreaterThan(0.2);
    expect(mannWhitneyGreater([90, 91, 92], base)).toBeGreaterThan(0.99);
  });
});

describe('Bernoulli change point', () => {
  it('finds the step in the rate', () => {
    const hits = [...Array(30).fill(25), ...Array(10).fill(45)];
    const trials = Array(40).fill(100);
    expect(bernoulliChangePoint(hits, trials, 0.25)).toBe(30);
  });
  it('returns -1 without a rise', () => {
    expect(bernoulliChangePoint([20, 25, 22], [100, 100, 100], 0.25)).toBe(-1);
  });
});

describe('sliding-window threshold', () => {
  it('is the plain one-sided z for a window of one tick, and higher for longer windows', () => {
    expect(slidingWindowZ(1e-6, 1)).toBeCloseTo(normalQuantile(1 - 1e-6), 2);
    expect(slidingWindowZ(1e-6, 10)).toBeLessThan(slidingWindowZ(1e-6, 1));
    expect(slidingWindowZ(1e-6, 10)).toBeGreaterThan(normalQuantile(1 - 1e-5));
  });

  it('is crossed from below about alpha times per tick by a moving window of white noise', () => {
    const rng = mulberry32(7);
    const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
    const w = 10;
    const ticks = 2_000_000;
    const alpha = 2e-5;
    const u = slidingWindowZ(alpha, w);
    const ring = new Float64Array(w);
    let sum = 0;
    let crossings = 0;
    let above = false;
    for (let t = 0; t < ticks + w; t++) {
      const x = gauss();
      sum += x - ring[t % w];
      ring[t % w] = x;
      if (t < w) continue;
      const z = sum / Math.sqrt(w);
      if (z > u && !above) crossings++;
      above = z > u;
    }
    // 40 expected; one look per window length would have allowed 10 times as many.
    expect(crossings).toBeGreaterThan(0.5 * alpha * ticks);
    expect(crossings).toBeLessThan(1.6 * alpha * ticks);
  });
});

