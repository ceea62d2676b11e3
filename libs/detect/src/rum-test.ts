import { QuantileSketch } from '@parallax/sketch';
import type { RumConfig } from './config';
import { DistSummary, p75LogSe, summarize, trimmedLog, trimmedLogSe } from './dist';
import { countAbove } from './onset';
import { MINUTE_MS } from './rum-data';
import { normalUpperTail } from './stats';
import type { RumMetric, Segment } from './types';

/** One recent window of one segment: the merged sketch and its per-minute parts (the bootstrap blocks). */
export interface WindowData {
  windowMinutes: number;
  fromMs: number;
  merged: QuantileSketch;
  summary: DistSummary;
  minutes: { minute: number; sketch: QuantileSketch }[];
}

/** What a unit (segment x window) is compared with. */
export interface UnitBaseline {
  n: number;
  p75: number;
  logSlope: number;
  /** Extra variance of ln p75 on the baseline side (today's level estimate). */
  extraVar?: number;
  /** Trimmed log mean (level-adjusted) and winsorized sd of the baseline. */
  trim?: { mean: number; sd: number };
}

/** Result of comparing one segment's recent window with its baseline. */
export interface UnitTest {
  key: string;
  segment: Segment;
  windowMinutes: number;
  /** Enough values on both sides to judge. */
  testable: boolean;
  /** Compared with the whole route's baseline because the segment is new (a new release). */
  isNew: boolean;
  nCurrent: number;
  nBaseline: number;
  baselineP75: number;
  currentP75: number;
  /** ln((current + offset) / (baseline + offset)). */
  logChange: number;
  /** Standard error of logChange, including the between-day spread. */
  seLog: number;
  /** Standard error of the current side alone (bootstrap when it ran, else analytic). */
  seCurrentLog: number;
  /** The rest of seLog: the baseline side and the between-day spread. */
  seOtherLog: number;
  /** ln-quantile slope of the baseline, for the error of a part of the window. */
  baseLogSlope: number;
  z: number;
  /** One-sided p-value of "worse". */
  pValue: number;
  /** Practical effect: worse by minEffectPct and by the absolute floor. */
  practical: boolean;
  bootstrapped: boolean;
  /**
   * The statistic the verdict rests on: the shift of typical page views (the 10%-trimmed mean of
   * log values), about 1.75 times as efficient as p75 itself for the same values and far less
   * moved by a few slow page views in a small segment; p75 (as logChange, seLog, z, pValue) when
   * the baseline has no trimmed mean. The practical effect is always p75.
   */
  evidenceLog: number;
  evidenceSe: number;
  evidenceZ: number;
  evidenceP: number;
  /** The baseline side of evidenceSe (baseline sampling, today's level, between-day spread). */
  evidenceOtherSe: number;
  /** The baseline's trimmed log mean (level-adjusted) and winsorized sd, when the evidence is the shift. */
  baseTrim?: { mean: number; sd: number };
}

/** Relative change in percent; relative to the log offset when the baseline is 0 (CLS). */
export function changePct(current: number, baseline: number, offset: number): number {
  return baseline > 0 ? (current / baseline - 1) * 100 : ((current + offset) / (baseline + offset) - 1) * 100;
}

/** True when the change is of practical size for this metric (for the whole route, or for one segment). */
export function isPractical(current: number, baseline: number, cfg: RumConfig, metric: RumMetric, segment = false): boolean {
  const pct = segment ? cfg.segmentMinEffectPct : cfg.minEffectPct;
  return current >= baseline * (1 + pct / 100) && current - baseline >= cfg.absoluteFloor[metric];
}

export interface TestArgs {
  key: string;
  segment: Segment;
  window: WindowData;
  baseline: UnitBaseline | undefined;
  isNew: boolean;
  minCurrent: number;
  minBaseline: number;
  blockSd: number;
  /** Between-day spread of the trimmed log mean (blockSd when not given). */
  trimBlockSd?: number;
  /** z the test must reach; the bootstrap only runs when the analytic z gets near it. */
  zCrit: number;
  cfg: RumConfig;
  metric: RumMetric;
  offset: number;
  rng: () => number;
  /** When false the current side stays analytic (the verdict does not depend on this test). */
  allowBootstrap: boolean;
  orderStats: OrderStats;
}

/**
 * Compares a recent window with its baseline: practical effect, then a z on ln p75 whose current
 * side comes from a block bootstrap over minutes (when the result could matter) and whose
 * baseline side is analytic (it holds many more values).
 */
export function testUnit(a: TestArgs): UnitTest {
  const cur = a.window.summary;
  const base = a.baseline;
  const result: UnitTest = {
    key: a.key,
    segment: a.segment,
    windowMinutes: a.window.windowMinutes,
    testable: false,
    isNew: a.isNew,
    nCurrent: cur.n,
    nBaseline: base?.n ?? 0,
    baselineP75: base?.p75 ?? NaN,
    currentP75: cur.p75,
    logChange: NaN,
    seLog: Infinity,
    seCurrentLog: Infinity,
    seOtherLog: Infinity,
    baseLogSlope: base?.logSlope ?? NaN,
    z: 0,
    pValue: 1,
    practical: false,
    bootstrapped: false,
    evidenceLog: NaN,
    evidenceSe: Infinity,
    evidenceZ: 0,
    evidenceP: 1,
    evidenceOtherSe: Infinity,
  };
  if (!base || base.n < a.minBaseline || cur.n < a.minCurrent) return result;
  result.testable = true;
  result.logChange = Math.log((cur.p75 + a.offset) / (base.p75 + a.offset));
  result.practical = isPractical(cur.p75, base.p75, a.cfg, a.metric, a.segment.dim !== 'all');
  // Small samples give a noisy slope: lean on the baseline's shape until there are enough values.
  const slope = cur.n >= 200 ? Math.max(cur.logSlope, 0.5 * base.logSlope) : base.logSlope;
  let seCur = p75LogSe(cur.n, slope);
  const seBase = Math.sqrt(p75LogSe(base.n, base.logSlope) ** 2 + (base.extraVar ?? 0));
  const total = (s: number) => Math.sqrt(s * s + seBase * seBase + a.blockSd * a.blockSd);
  if (a.allowBootstrap && result.practical && result.logChange / total(seCur) >= 0.5 * a.zCrit) {
    const boot = blockBootstrapLogSe(a.window, a.cfg.bootstrapReplicates, a.rng, a.offset, a.orderStats);
    if (Number.isFinite(boot.se)) {
      // About 12 blocks give a noisy variance: pool it with the analytic one, worth
      // PRIOR_BLOCKS blocks. Bursts (a few slow minutes) still widen the interval a lot.
      const df = boot.blocks - 1;
      seCur = Math.sqrt((PRIOR_BLOCKS * seCur * seCur + df * boot.se * boot.se) / (PRIOR_BLOCKS + df));
      result.bootstrapped = true;
    }
  }
  result.seCurrentLog = seCur;
  result.seOtherLog = Math.sqrt(seBase * seBase + a.blockSd * a.blockSd);
  result.seLog = total(seCur);
  result.z = result.logChange / result.seLog;
  result.pValue = normalUpperTail(result.z);
  const tc = base.trim ? trimmedLog(cur) : null;
  if (tc && base.trim && Number.isFinite(tc.mean) && Number.isFinite(base.trim.mean)) {
    result.baseTrim = base.trim;
    result.evidenceLog = tc.mean - base.trim.mean;
    result.evidenceOtherSe = Math.sqrt(trimmedLogSe(base.n, base.trim.sd) ** 2 + (base.extraVar ?? 0) + (a.trimBlockSd ?? a.blockSd) ** 2);
    result.evidenceSe = Math.hypot(trimmedLogSe(cur.n, tc.sd), result.evidenceOtherSe);
    result.evidenceZ = result.evidenceLog / result.evidenceSe;
    result.evidenceP = normalUpperTail(result.evidenceZ);
  } else {
    result.evidenceLog = result.logChange;
    result.evidenceOtherSe = result.seOtherLog;
    result.evidenceSe = result.seLog;
    result.evidenceZ = result.z;
    result.evidenceP = result.pValue;
  }
  return result;
}

/**
 * What a change must still reach without its worst minutes (survivesBlip): a real step keeps a z
 * of 4 or more there when it opens; a hiccup on top of ordinary noise keeps 2 to 3.
 */
const SUSTAINED_Z = 3.5;
/** The worst minutes are a hiccup when they are this much worse than the minutes after them (z). */
const HICCUP_Z = 2.5;
const HICCUP_AFTER_MINUTES = 2;

/**
 * True when the change of a test is not carried by a blip: without the window's worst
 * `blipMinutes` consecutive minutes (most values above the baseline p75 beyond the usual 25%) it is
 * still practical and significant. A step moves every minute; a 3-minute backend hiccup does not.
 *
 * With `earlier` (the route's values in the minutes just before a short window), those same
 * minutes must also have risen against them by `localRiseZ`: a step is a rise from what came just
 * before. An hour that is a few percent slower than the baseline all along (the day's level
 * mis-estimated, network weather) plus a hiccup passes the other checks and is not a regression
 * starting now; this comparison has no day-to-day term, so a real step is clearer here, not less.
 *
 * With `zCrit` (the test's own threshold), a window whose worst minutes are a hiccup (worse than
 * the minutes after them by HICCUP_Z) must reach zCrit without them: an ordinary hour with a
 * chance run of slow minutes around a hiccup is not a regression, and a step outlasts it.
 */
export function survivesBlip(
  t: UnitTest,
  window: WindowData,
  blipMinutes: number,
  cfg: RumConfig,
  metric: RumMetric,
  offset: number,
  earlier?: QuantileSketch,
  zCrit = 0,
): boolean {
  if (blipMinutes <= 0 || !t.testable) return true;
  const byMinute = new Map(window.minutes.map((m) => [m.minute, m.sketch]));
  const first = window.fromMs;
  const count = Math.round(window.windowMinutes);
  const excess = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const s = byMinute.get(first + i * MINUTE_MS);
    if (s) excess[i] = countAbove(s, t.baselineP75) - 0.25 * s.count;
  }
  let worstStart = 0;
  let worst = -Infinity;
  let run = 0;
  const len = Math.min(blipMinutes, count);
  for (let i = 0; i < count; i++) {
    run += excess[i] - (i >= len ? excess[i - len] : 0);
    if (i >= len - 1 && run > worst) {
      worst = run;
      worstStart = i - len + 1;
    }
  }
  const from = first + worstStart * MINUTE_MS;
  const to = from + len * MINUTE_MS;
  const inBlip = (m: { minute: number }) => m.minute >= from && m.minute < to;
  const rest = QuantileSketch.mergeAll(window.minutes.filter((m) => !inBlip(m)).map((m) => m.sketch));
  if (rest.count === 0) return false;
  const cur = summarize(rest, offset);
  if (!isPractical(cur.p75, t.baselineP75, cfg, metric, t.segment.dim !== 'all')) return false;
  if (t.baseTrim) {
    const tc = trimmedLog(cur);
    const seCur = trimmedLogSe(cur.n, tc.sd);
    // Taking out the worst minutes of a step leaves its weaker minutes: SUSTAINED_Z allows for
    // that. When those minutes were a hiccup, clearly worse than the minutes after them, what is
    // left is an unbiased look at the window and must pass the full test on its own.
    let need = SUSTAINED_Z;
    const after = window.minutes.filter((m) => m.minute >= to);
    if (zCrit > need && after.length >= HICCUP_AFTER_MINUTES) {
      // Against the minutes after it only: a step that started inside the window is worse than
      // the minutes before it too, but not than the ones after.
      const blip = summarize(QuantileSketch.mergeAll(window.minutes.filter(inBlip).map((m) => m.sketch)), offset);
      const later = summarize(QuantileSketch.mergeAll(after.map((m) => m.sketch)), offset);
      const tb = trimmedLog(blip);
      const tl = trimmedLog(later);
      if ((tb.mean - tl.mean) / Math.hypot(trimmedLogSe(blip.n, tb.sd), trimmedLogSe(later.n, tl.sd)) >= HICCUP_Z) need = zCrit;
    }
    if ((tc.mean - t.baseTrim.mean) / Math.hypot(seCur, t.evidenceOtherSe) < need) return false;
    if (!earlier || earlier.count < cfg.minSamples || cfg.localRiseZ <= 0) return true;
    const earlierSummary = summarize(earlier, offset);
    const before = trimmedLog(earlierSummary);
    return (tc.mean - before.mean) / Math.hypot(seCur, trimmedLogSe(earlierSummary.n, before.sd)) >= cfg.localRiseZ;
  }
  const slope = cur.n >= 200 ? Math.max(cur.logSlope, 0.5 * t.baseLogSlope) : t.baseLogSlope;
  const se = Math.hypot(p75LogSe(cur.n, slope), t.seOtherLog);
  return Math.log((cur.p75 + offset) / (t.baselineP75 + offset)) / se >= SUSTAINED_Z;
}

/**
 * How much more a segment's typical page view moved than the rest of the route's (the other
 * values of its dimension), from the segment's test and the route's test of the same window.
 * The rest is read off the route by shares (trimmed means mix about linearly); the day's level
 * and the between-day spread are shared by both sides and cancel, so the error is sampling only.
 * `allLog` is the route's shift against a baseline of the segment's vintage (the route's own by default).
 * Null when either side has no trimmed evidence or the segment is (nearly) the whole route.
 */
export function excessOverRest(seg: UnitTest, all: UnitTest, allLog = all.evidenceLog): { log: number; z: number } | null {
  if (!seg.baseTrim || !all.baseTrim || !seg.testable || !all.testable) return null;
  const share = seg.nCurrent / all.nCurrent;
  const nRest = all.nCurrent - seg.nCurrent;
  if (!(share > 0 && share < 0.95) || nRest <= 0) return null;
  const log = (seg.evidenceLog - allLog) / (1 - share);
  const curVar = (t: UnitTest) => Math.max(0, t.evidenceSe ** 2 - t.evidenceOtherSe ** 2);
  let v = curVar(seg) + (curVar(all) * all.nCurrent) / nRest;
  // A new release is compared with the route's own baseline: that side cancels too.
  if (!seg.isNew) v += trimmedLogSe(seg.nBaseline, seg.baseTrim.sd) ** 2 + trimmedLogSe(Math.max(1, all.nBaseline - seg.nBaseline), all.baseTrim.sd) ** 2;
  return { log, z: log / Math.sqrt(v) };
}

/** Sorted values of a sketch (one per rank, within the sketch's accuracy); cached per detector call. */
export type OrderStats = (sketch: QuantileSketch) => Float64Array;

/** An OrderStats with a cache that lives as long as the returned function (one detector call). */
export function orderStatsCache(): OrderStats {
  const cache = new Map<QuantileSketch, Float64Array>();
  return (sketch) => {
    let v = cache.get(sketch);
    if (!v) {
      const n = sketch.count;
      v = Float64Array.from(sketch.quantiles(Array.from({ length: n }, (_, i) => (i + 1) / n)));
      cache.set(sketch, v);
    }
    return v;
  };
}

const GRID_POINTS = 48;
const PRIOR_BLOCKS = 10;

/**
 * Block bootstrap of ln p75 over the minutes of a window: minutes are grouped into about 12
 * blocks, blocks are drawn with replacement and the spread of the resampled ln p75 is the
 * standard error. Minutes stay whole, so bursts and per-minute correlation widen the interval.
 * Each block is reduced to its counts at a grid of values between the window's p50 and p95, so a
 * replicate costs blocks x grid additions instead of sketch merges.
 */
export function blockBootstrapLogSe(
  window: WindowData,
  replicates: number,
  rng: () => number,
  offset: number,
  orderStats: OrderStats,
): { se: number; blocks: number } {
  const [qLo, qHi] = window.merged.quantiles([0.5, 0.95]);
  if (!(qHi > qLo)) return { se: NaN, blocks: 0 };
  const lnLo = Math.log(qLo + offset);
  const step = (Math.log(qHi + offset) - lnLo) / (GRID_POINTS - 1);
  const grid = Float64Array.from({ length: GRID_POINTS }, (_, k) => Math.exp(lnLo + k * step) - offset);
  const blockMinutes = Math.max(1, Math.round(window.windowMinutes / 12));
  const blocks = new Map<number, { n: number; below: Float64Array }>();
  for (const m of window.minutes) {
    const b = Math.floor((m.minute - window.fromMs) / (blockMinutes * MINUTE_MS));
    let block = blocks.get(b);
    if (!block) blocks.set(b, (block = { n: 0, below: new Float64Array(GRID_POINTS) }));
    const values = orderStats(m.sketch);
    block.n += values.length;
    let i = 0;
    for (let k = 0; k < GRID_POINTS; k++) {
      while (i < values.length && values[i] <= grid[k]) i++;
      block.below[k] += i;
    }
  }
  const list = [...blocks.values()];
  const k = list.length;
  if (k < 4) return { se: NaN, blocks: k };
  const acc = new Float64Array(GRID_POINTS);
  let sum = 0;
  let sumSq = 0;
  for (let r = 0; r < replicates; r++) {
    acc.fill(0);
    let n = 0;
    for (let i = 0; i < k; i++) {
      const b = list[Math.floor(rng() * k)];
      n += b.n;
      const below = b.below;
      for (let g = 0; g < GRID_POINTS; g++) acc[g] += below[g];
    }
    const target = Math.ceil(0.75 * n);
    let g = 0;
    while (g < GRID_POINTS && acc[g] < target) g++;
    let v: number;
    if (g === 0) v = lnLo;
    else if (g === GRID_POINTS) v = lnLo + (GRID_POINTS - 1) * step;
    else v = lnLo + (g - 1 + (target - acc[g - 1]) / Math.max(1e-9, acc[g] - acc[g - 1])) * step;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / replicates;
  const varBoot = Math.max(0, sumSq / replicates - mean * mean);
  // k / (k - 1): the plain bootstrap variance is biased low by that factor for k blocks.
  return { se: Math.sqrt((varBoot * k) / (k - 1)), blocks: k };
}

/** Builds the recent windows of one segment (shortest first) from its sketches keyed by minute number. */
export function buildWindows(
  minutes: Map<number, QuantileSketch>,
  windowsMinutes: number[],
  now: number,
  offset: number,
): WindowData[] {
  const sorted = [...windowsMinutes].sort((x, y) => x - y);
  const nowMinute = Math.floor(now / MINUTE_MS);
  const out: WindowData[] = [];
  const recent: { minute: number; sketch: QuantileSketch }[] = [];
  let previous: QuantileSketch | undefined;
  let m = nowMinute - 1;
  for (const w of sorted) {
    const parts: QuantileSketch[] = previous ? [previous] : [];
    for (; m >= nowMinute - w; m--) {
      const sketch = minutes.get(m);
      if (!sketch) continue;
      recent.push({ minute: m * MINUTE_MS, sketch });
      parts.push(sketch);
    }
    // Each window is the previous one plus its older minutes: one right-sized merge per window.
    const merged = QuantileSketch.mergeAll(parts);
    previous = merged;
    out.push({ windowMinutes: w, fromMs: (nowMinute - w) * MINUTE_MS, merged, summary: summarize(merged, offset), minutes: recent.slice() });
  }
  return out;
}
