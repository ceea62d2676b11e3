// Test-only helpers shared by the sketch specs (not exported from index.ts).
import { QuantileSketch } from './quantile-sketch';

/** Seeded PRNG (mulberry32) so every run sees the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box-Muller) from a uniform source. */
export function normalFrom(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** n log-normal values with the given median and sigma (LCP-like when median 2500, sigma 0.5). */
export function logNormal(n: number, median: number, sigma: number, seed: number): number[] {
  const normal = normalFrom(seededRandom(seed));
  return Array.from({ length: n }, () => median * Math.exp(sigma * normal()));
}

/** Exact quantile by the nearest-rank rule: the ceil(q * n)-th smallest value (1-based, at least 1). */
export function exactQuantile(sorted: number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length - 1e-9));
  return sorted[rank - 1];
}

/** Quantiles checked in the accuracy tests, tails included. */
export const CHECKED_QUANTILES = [0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

/** Sketch of the values at the given accuracy. */
export function sketchOf(values: number[], relativeAccuracy?: number): QuantileSketch {
  const sketch = new QuantileSketch(relativeAccuracy);
  for (const value of values) sketch.add(value);
  return sketch;
}

/** Relative error of an estimate; 0 only matches 0 exactly. */
export function relativeError(estimate: number, exact: number): number {
  if (exact === 0) return estimate === 0 ? 0 : Infinity;
  return Math.abs(estimate - exact) / exact;
}

/** Throws unless every checked quantile is within the accuracy (plus float noise) of the exact one. */
export function expectWithinAccuracy(
  sketch: QuantileSketch,
  values: number[],
  relativeAccuracy = 0.01,
  qs = CHECKED_QUANTILES,
): void {
  const sorted = [...values].sort((a, b) => a - b);
  const estimates = sketch.quantiles(qs);
  qs.forEach((q, i) => {
    const exact = exactQuantile(sorted, q);
    const error = relativeError(estimates[i], exact);
    if (!(error <= relativeAccuracy * (1 + 1e-9))) {
      throw new Error(`q=${q}: estimate ${estimates[i]} vs exact ${exact} (relative error ${error})`);
    }
  });
}
