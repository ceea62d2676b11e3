/** Small statistics toolbox: seeded PRNG, normal distribution, BH, rank test, robust scale. */

/** 32-bit FNV-1a hash of a string, mixed with a seed: stable PRNG seeds from names. */
export function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a tiny, fast, seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal cumulative distribution (Abramowitz-Stegun 7.1.26 via erf, error < 1.5e-7). */
export function normalCdf(z: number): number {
  if (z < -8) return 0;
  if (z > 8) return 1;
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Upper tail 1 - Phi(z), accurate far into the tail (where 1 - normalCdf would round to 0). */
export function normalUpperTail(z: number): number {
  if (z < 3) return 1 - normalCdf(z);
  // Asymptotic expansion of Mills' ratio; relative error < 1e-4 for z >= 3.
  const z2 = z * z;
  const pdf = Math.exp(-z2 / 2) / Math.sqrt(2 * Math.PI);
  return (pdf / z) * (1 - 1 / z2 + 3 / (z2 * z2) - 15 / (z2 * z2 * z2));
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${String(p)}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Benjamini-Hochberg step-up: adjusted p-values (q-values) in input order. A test is rejected at
 * level alpha when its q-value is <= alpha.
 */
export function benjaminiHochberg(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b]);
  const q = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1];
    running = Math.min(running, (pValues[i] * m) / rank);
    q[i] = running;
  }
  return q;
}

/** Median of a numeric array (does not modify it); NaN when empty. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median absolute deviation around the median (unscaled). */
export function mad(values: ArrayLike<number>, center = median(values)): number {
  const deviations = Array.from(values, (v) => Math.abs(v - center));
  return median(deviations);
}

/**
 * One-sided Mann-Whitney U test that `recent` tends to be larger than `baseline`, normal
 * approximation with tie and continuity correction. Returns the p-value.
 */
export function mannWhitneyGreater(recent: number[], baseline: number[]): number {
  const n1 = recent.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) return 1;
  const all = [...recent.map((v) => ({ v, g: 1 })), ...baseline.map((v) => ({ v, g: 2 }))].sort((a, b) => a.v - b.v);
  const n = all.length;
  let rankSumRecent = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1].v === all[i].v) j++;
    const rank = (i + j + 2) / 2; // average of 1-based ranks i+1..j+1
    const t = j - i + 1;
    if (t > 1) tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k].g === 1) rankSumRecent += rank;
    i = j + 1;
  }
  const u = rankSumRecent - (n1 * (n1 + 1)) / 2;
  const meanU = (n1 * n2) / 2;
  const varU = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (varU <= 0) return u > meanU ? 0 : 1;
  const z = (u - meanU - 0.5) / Math.sqrt(varU);
  return normalUpperTail(z);
}

/** Sample variance (n - 1); 0 for fewer than two values. */
export function variance(values: number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  return values.reduce((s, v) => s + (v - mean) * (v - mean), 0) / (n - 1);
}

/** The number, or null when it is NaN or infinite (JSON and databases have no NaN). */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Critical z of a one-sided test judged every tick on a sliding window of windowTicks ticks, such
 * that it is crossed from below about alphaPerTick times per tick: consecutive windows share all
 * but one tick (correlation rho = 1 - 1/windowTicks), and a crossing needs the tick before to be
 * below (Rice-type count, P(Z_t > u, Z_t-1 <= u) ~ P(Z > u) * Phi(u * sqrt((1 - rho) / (1 + rho)))).
 * Treating a window of w ticks as one look per w ticks underestimates the crossings several-fold.
 */
export function slidingWindowZ(alphaPerTick: number, windowTicks: number): number {
  const rho = Math.max(0, 1 - 1 / Math.max(1, windowTicks));
  const k = Math.sqrt((1 - rho) / (1 + rho));
  let u = normalQuantile(1 - alphaPerTick);
  for (let i = 0; i < 4; i++) u = normalQuantile(1 - Math.min(0.5, alphaPerTick / Math.max(1e-9, normalCdf(u * k))));
  return u;
}

