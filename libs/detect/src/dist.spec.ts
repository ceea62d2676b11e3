import { describe, expect, it } from 'vitest';
import { QuantileSketch } from '@parallax/sketch';
import { summarize, trimmedLog, trimmedLogSe } from './dist';
import { normal } from './spec-helpers';
import { mulberry32 } from './stats';

/** A sketch of n log-normal values with median exp(mu), plus a heavy tail on a share of them. */
function sample(rng: () => number, n: number, mu: number, sigma: number, tailShare = 0): QuantileSketch {
  const s = new QuantileSketch();
  for (let i = 0; i < n; i++) {
    let v = Math.exp(mu + sigma * normal(rng));
    if (rng() < tailShare) v *= Math.exp(3 * Math.abs(normal(rng)));
    s.add(v);
  }
  return s;
}

describe('trimmed log location', () => {
  it('finds the log median of a symmetric log distribution and moves with a shift', () => {
    const rng = mulberry32(1);
    const a = trimmedLog(summarize(sample(rng, 20_000, Math.log(2000), 0.5), 1));
    const b = trimmedLog(summarize(sample(rng, 20_000, Math.log(2000 * 1.2), 0.5), 1));
    expect(a.mean).toBeCloseTo(Math.log(2000), 1);
    expect(b.mean - a.mean).toBeCloseTo(Math.log(1.2), 1);
    // Winsorized at 10%: a little under sigma.
    expect(a.sd).toBeGreaterThan(0.35);
    expect(a.sd).toBeLessThan(0.5);
  });

  it('has a standard error that matches the spread over repeated samples, heavy tail included', () => {
    const rng = mulberry32(2);
    const means: number[] = [];
    const ses: number[] = [];
    for (let r = 0; r < 300; r++) {
      const t = trimmedLog(summarize(sample(rng, 500, 7.5, 0.55, 0.03), 1));
      means.push(t.mean);
      ses.push(trimmedLogSe(500, t.sd));
    }
    const m = means.reduce((s, x) => s + x, 0) / means.length;
    const empirical = Math.sqrt(means.reduce((s, x) => s + (x - m) ** 2, 0) / (means.length - 1));
    const predicted = ses.reduce((s, x) => s + x, 0) / ses.length;
    expect(predicted / empirical).toBeGreaterThan(0.85);
    expect(predicted / empirical).toBeLessThan(1.2);
  });

  it('is more precise than p75 for the same values', () => {
    const rng = mulberry32(3);
    const d = summarize(sample(rng, 5_000, 7.5, 0.55), 1);
    const p75Se = Math.sqrt(0.1875 / 5_000) * d.logSlope;
    expect(trimmedLogSe(5_000, trimmedLog(d).sd)).toBeLessThan(0.8 * p75Se);
  });
});
