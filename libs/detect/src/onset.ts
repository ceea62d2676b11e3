import type { QuantileSketch } from '@parallax/sketch';

/**
 * Change point of a Bernoulli sequence with a known rate before the change: the split that
 * maximises the log-likelihood ratio of "rate p1 (estimated) from here on" against p0. Returns
 * the index of the first changed element, or -1 when nothing rose above p0.
 */
export function bernoulliChangePoint(hits: number[], trials: number[], p0: number): number {
  let bestIndex = -1;
  let best = 0;
  let sumHits = 0;
  let sumTrials = 0;
  for (let i = hits.length - 1; i >= 0; i--) {
    sumHits += hits[i];
    sumTrials += trials[i];
    if (sumTrials === 0) continue;
    const p1 = sumHits / sumTrials;
    if (p1 <= p0) continue;
    const llr = sumHits * Math.log(p1 / p0) + (sumTrials - sumHits > 0 ? (sumTrials - sumHits) * Math.log((1 - p1) / (1 - p0)) : 0);
    // >= keeps the earliest of equally good splits.
    if (llr >= best) {
      best = llr;
      bestIndex = i;
    }
  }
  return bestIndex;
}

/** Approximate count of values above x in a sketch (from up to 50 evenly spaced quantiles). */
export function countAbove(sketch: QuantileSketch, x: number): number {
  const n = sketch.count;
  if (n === 0) return 0;
  const k = Math.min(n, 50);
  const probs = Array.from({ length: k }, (_, i) => (i + 0.5) / k);
  const qs = sketch.quantiles(probs);
  let above = 0;
  for (const q of qs) if (q > x) above++;
  return (above * n) / k;
}

/**
 * Onset of a rise in per-minute sketches: the share of values above `threshold` (halfway
 * between the baseline and the current level) jumps from its baseline share p0. Returns the
 * minute (epoch ms) or null.
 */
export function rumOnset(minutes: { minute: number; sketch: QuantileSketch }[], threshold: number, p0: number): number | null {
  const sorted = [...minutes].sort((a, b) => a.minute - b.minute);
  const hits = sorted.map((m) => countAbove(m.sketch, threshold));
  const trials = sorted.map((m) => m.sketch.count);
  const i = bernoulliChangePoint(hits, trials, p0);
  return i >= 0 ? sorted[i].minute : null;
}

/**
 * Onset of a rise in a run sequence: runs above `threshold` (halfway between the baseline median
 * and the current level) were rare before it (p0, from the baseline runs) and common after it.
 */
export function runsOnset(runs: { at: number; value: number }[], threshold: number, p0: number): number | null {
  const sorted = [...runs].sort((a, b) => a.at - b.at);
  const i = bernoulliChangePoint(
    sorted.map((r) => (r.value > threshold ? 1 : 0)),
    sorted.map(() => 1),
    p0,
  );
  return i >= 0 ? sorted[i].at : null;
}
