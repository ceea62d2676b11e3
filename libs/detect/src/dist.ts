import type { QuantileSketch } from '@parallax/sketch';

/**
 * A compact, JSON-friendly summary of one distribution: its log quantiles at fixed probabilities.
 * Enough to compute p75, its standard error and quantiles of re-weighted mixtures (mix analysis)
 * without keeping sketches in the detector state.
 */
export interface DistSummary {
  /** Number of values. */
  n: number;
  /** p75 in metric units. */
  p75: number;
  /** d ln(q)/dp around p = 0.75: turns the binomial error of a rank into the error of ln(p75). */
  logSlope: number;
  /** ln(q(p) + offset) at DIST_PROBS. */
  logQ: number[];
}

/** Probabilities of the stored quantile grid: dense around p75, where mixtures are read. */
export const DIST_PROBS = [
  0.005, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.725, 0.75, 0.775, 0.8, 0.825, 0.85, 0.875, 0.9,
  0.925, 0.95, 0.975, 0.995,
];
/** Index of p = 0.75 in DIST_PROBS. */
export const P75_INDEX = DIST_PROBS.indexOf(0.75);
const SLOPE_PROBS = [0.65, 0.7, 0.8, 0.85];
/** Fine grid around p75 (0.70 to 0.80): where the bucket of p75 starts and ends on it places p75 inside the bucket. */
const P75_GRID = Array.from({ length: 41 }, (_, k) => 0.7 + k * 0.0025);
const P75_GRID_MID = 20;

/**
 * p75 in log, interpolated inside the sketch's bucket (about 2% wide): the bucket holding p75
 * covers the ranks from pLo to pHi of the grid, and its edges lie halfway to the neighbouring
 * values, so p75 sits (0.75 - pLo) / (pHi - pLo) of the way across. Without this, p75 moves in
 * 2% steps and a 9% change can read as 10%.
 */
function interpolatedLogP75(grid: number[], offset: number): number {
  const v = grid[P75_GRID_MID];
  let lo = P75_GRID_MID;
  let hi = P75_GRID_MID;
  while (lo > 0 && grid[lo - 1] === v) lo--;
  while (hi < grid.length - 1 && grid[hi + 1] === v) hi++;
  const lv = Math.log(v + offset);
  if (lo === 0 || hi === grid.length - 1) return lv;
  const below = (lv - Math.log(grid[lo - 1] + offset)) / 2;
  const above = (Math.log(grid[hi + 1] + offset) - lv) / 2;
  const pLo = P75_GRID[lo] - 0.00125;
  const pHi = P75_GRID[hi] + 0.00125;
  return lv - below + ((below + above) * (0.75 - pLo)) / (pHi - pLo);
}
const SLOPE_FLOOR = 0.02;

/** Offset added before taking logs so zero values (CLS) stay finite. */
export function logOffset(metric: string): number {
  return metric === 'cls' ? 0.01 : 1;
}

/** Summary of a sketch; n = 0 gives an empty summary. */
export function summarize(sketch: QuantileSketch, offset: number): DistSummary {
  const n = sketch.count;
  if (n === 0) return { n: 0, p75: NaN, logSlope: NaN, logQ: [] };
  const qs = sketch.quantiles([...DIST_PROBS, ...SLOPE_PROBS, ...P75_GRID]);
  const logQ = qs.slice(0, DIST_PROBS.length).map((v) => Math.log(v + offset));
  const [q65, q70, q80, q85] = qs.slice(DIST_PROBS.length, DIST_PROBS.length + 4).map((v) => Math.log(v + offset));
  // Average of a narrow and a wide difference: less sensitive to ties in small samples.
  const slope = ((q80 - q70) / 0.1 + (q85 - q65) / 0.2) / 2;
  const logP75 = interpolatedLogP75(qs.slice(DIST_PROBS.length + 4), offset);
  logQ[P75_INDEX] = logP75;
  return { n, p75: Math.exp(logP75) - offset, logSlope: Math.max(slope, SLOPE_FLOOR), logQ };
}

/** Standard error of ln(p75 + offset) from n values with the given slope (binomial rank error). */
export function p75LogSe(n: number, logSlope: number): number {
  return n > 0 ? Math.sqrt((0.75 * 0.25) / n) * logSlope : Infinity;
}

/** CDF of a summary at a log value, linear between grid points, 0/1 outside the grid. */
export function summaryCdf(dist: DistSummary, logX: number): number {
  const q = dist.logQ;
  const last = q.length - 1;
  if (last < 0) return NaN;
  if (logX < q[0]) return 0;
  if (logX >= q[last]) return 1;
  // Binary search for the last grid point <= logX.
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (q[mid] <= logX) lo = mid;
    else hi = mid;
  }
  const span = q[hi] - q[lo];
  const t = span > 0 ? (logX - q[lo]) / span : 1;
  return DIST_PROBS[lo] + t * (DIST_PROBS[hi] - DIST_PROBS[lo]);
}

export interface MixtureComponent {
  weight: number;
  dist: DistSummary;
}

/** Quantile p of a weighted mixture of summaries, as a log value (bisection on the mixture CDF). */
export function mixtureLogQuantile(components: MixtureComponent[], p: number): number {
  const used = components.filter((c) => c.weight > 0 && c.dist.n > 0);
  const total = used.reduce((s, c) => s + c.weight, 0);
  if (total === 0) return NaN;
  let lo = Math.min(...used.map((c) => c.dist.logQ[0]));
  let hi = Math.max(...used.map((c) => c.dist.logQ[c.dist.logQ.length - 1]));
  for (let i = 0; i < 40 && hi - lo > 1e-6; i++) {
    const mid = (lo + hi) / 2;
    let cdf = 0;
    for (const c of used) cdf += c.weight * summaryCdf(c.dist, mid);
    if (cdf / total < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Trimmed share on each side of the log-location estimate (10%: robust to the heavy tail, ~90% efficient). */
const TRIM = 0.1;

/**
 * Location and spread of ln(value + offset) from a summary: the 10%-trimmed mean and the
 * winsorized standard deviation, integrated over the stored quantile grid. The standard error of
 * the trimmed mean of n values is sd / ((1 - 2 * TRIM) * sqrt(n)).
 */
export function trimmedLog(d: DistSummary): { mean: number; sd: number } {
  const q = d.logQ;
  if (q.length !== DIST_PROBS.length) return { mean: NaN, sd: NaN };
  const lo = DIST_PROBS.indexOf(TRIM);
  const hi = DIST_PROBS.indexOf(1 - TRIM);
  let area = 0;
  for (let i = lo; i < hi; i++) area += ((q[i] + q[i + 1]) / 2) * (DIST_PROBS[i + 1] - DIST_PROBS[i]);
  // Winsorized mean and variance: the trimmed tails sit at the trim quantiles.
  const wMean = area + TRIM * (q[lo] + q[hi]);
  let v = TRIM * ((q[lo] - wMean) ** 2 + (q[hi] - wMean) ** 2);
  for (let i = lo; i < hi; i++) {
    const a = q[i] - wMean;
    const b = q[i + 1] - wMean;
    // Exact integral of a squared linear segment.
    v += ((a * a + a * b + b * b) / 3) * (DIST_PROBS[i + 1] - DIST_PROBS[i]);
  }
  return { mean: area / (1 - 2 * TRIM), sd: Math.sqrt(v) };
}

/** Standard error of the trimmed log mean of n values with winsorized sd. */
export function trimmedLogSe(n: number, sd: number): number {
  return n > 0 ? sd / ((1 - 2 * TRIM) * Math.sqrt(n)) : Infinity;
}

