import { QuantileSketch } from '@parallax/sketch';
import type { DetectConfig, RumConfig } from './config';
import { DistSummary, p75LogSe, summarize, trimmedLog, trimmedLogSe } from './dist';
import { variance } from './stats';
import type { RumRollup, Segment, SegmentDim, TimeRange } from './types';

export const MINUTE_MS = 60_000;

/** 'all' or 'dim=value': one key per segment. */
export function segmentKey(segment: Segment): string {
  return segment.dim === 'all' ? 'all' : `${segment.dim}=${segment.value}`;
}

/** The per-minute sketches of one segment, keyed by minute number (epoch ms / 60 000). */
export interface SegmentMinutes {
  segment: Segment;
  minutes: Map<number, QuantileSketch>;
}

/** Groups rollups by segment and minute; duplicates of one minute are merged (inputs untouched). */
export function indexRollups(rollups: RumRollup[]): Map<string, SegmentMinutes> {
  const index = new Map<string, SegmentMinutes>();
  for (const r of rollups) {
    const key = segmentKey(r.segment);
    let entry = index.get(key);
    if (!entry) index.set(key, (entry = { segment: { dim: r.segment.dim, value: r.segment.dim === 'all' ? '' : r.segment.value }, minutes: new Map() }));
    // Minute numbers stay small integers: much faster map keys than epoch milliseconds.
    const minute = Math.floor(r.minute / MINUTE_MS);
    const existing = entry.minutes.get(minute);
    if (!existing) entry.minutes.set(minute, r.sketch);
    else {
      const merged = existing.clone();
      merged.merge(r.sketch);
      entry.minutes.set(minute, merged);
    }
  }
  return index;
}

/** Merges the sketches of one segment over some ranges into a new sketch. */
export function mergeRanges(entry: SegmentMinutes | undefined, ranges: TimeRange[]): QuantileSketch {
  const parts: QuantileSketch[] = [];
  if (entry) {
    for (const r of ranges) {
      for (let m = Math.ceil(r.fromMs / MINUTE_MS); m * MINUTE_MS < r.toMs; m++) {
        const s = entry.minutes.get(m);
        if (s) parts.push(s);
      }
    }
  }
  return QuantileSketch.mergeAll(parts);
}

export type BaselineMode = 'same_window' | 'trailing' | 'none';

/** Baseline of one segment, kept in the detector state between refreshes. */
export interface SegmentBaseline extends DistSummary {
  dim: SegmentDim;
  value: string;
  /** Share of the baseline traffic of its dimension. */
  share: number;
  /** The other values of the same dimension together ("everyone else"). */
  rest: { n: number; p75: number; logSlope: number } | null;
  /** This segment's own spread of ln p75 between baseline days (or hours) beyond sampling. */
  blockSd?: number;
  /** The same spread of its trimmed log mean (the statistic segments are judged on). */
  trimBlockSd?: number;
}

/** Today's level against the previous days over the same earlier hours (same_window mode); refreshed with the segments. */
export interface DayLevel {
  /** ln of today's p75 over the previous days' p75, same hours. */
  log: number;
  /** Its standard error. */
  se: number;
}

/** Baseline summary: recomputed every few minutes, stored in the state as plain numbers. */
export interface BaselineSummary {
  computedAt: number;
  /** Segments are refreshed less often than the whole route. */
  segmentsComputedAt: number;
  mode: BaselineMode;
  /** Previous days used (same_window) or 0. */
  days: number;
  ranges: TimeRange[];
  /** Spread of ln p75 between days (or hours of the trailing day) that sampling and the level do not explain. */
  blockSd: number;
  /** Today's level (null when it could not be measured): the baseline is scaled by exp(level.log). */
  level: DayLevel | null;
  segments: Record<string, SegmentBaseline>;
  /**
   * The whole route's trimmed log mean when the segments were last computed: segments are
   * refreshed less often, so a segment is set against the route of the same vintage (a fresher
   * route baseline has moved with the daily cycle since).
   */
  routeAtSegments?: number;
}

export function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

function longestMs(cfg: RumConfig): number {
  return Math.max(...cfg.recentWindowsMinutes) * MINUTE_MS;
}

/**
 * The same-window baseline: on each previous day (day 1 = yesterday), the window around the
 * clock time at the middle of the recent windows, so daily cycles cancel to first order.
 */
export function sameWindowDays(cfg: RumConfig, now: number): { day: number; range: TimeRange }[] {
  const dayMs = cfg.dayMinutes * MINUTE_MS;
  const half = (cfg.baselineWindowMinutes * MINUTE_MS) / 2;
  const latest = floorMinute(now) - longestMs(cfg);
  const meanWindow = cfg.recentWindowsMinutes.reduce((s, w) => s + w, 0) / cfg.recentWindowsMinutes.length;
  const middle = floorMinute(now - (meanWindow / 2) * MINUTE_MS);
  const out: { day: number; range: TimeRange }[] = [];
  for (let d = 1; d <= cfg.baselineDays; d++) {
    const center = middle - d * dayMs;
    const toMs = Math.min(center + half, latest);
    if (toMs > center - half) out.push({ day: d, range: { fromMs: center - half, toMs } });
  }
  return out;
}

/** Today's level range (day 0) and the same hours on previous days: hours before the recent windows, with a gap. */
export function levelRange(cfg: RumConfig, now: number, day: number): TimeRange {
  const toMs = floorMinute(now) - longestMs(cfg) - cfg.levelGapMinutes * MINUTE_MS - day * cfg.dayMinutes * MINUTE_MS;
  return { fromMs: toMs - cfg.levelWindowMinutes * MINUTE_MS, toMs };
}

/** Range of the trailing baseline: the trailing day before the longest recent window (or before the onset). */
export function trailingRange(cfg: RumConfig, now: number, onsetAt?: number): TimeRange {
  const toMs = floorMinute(Math.min(now - longestMs(cfg), onsetAt ?? Infinity));
  return { fromMs: toMs - cfg.trailingBaselineMinutes * MINUTE_MS, toMs };
}

/** Splits ranges into blocks of at most blockMinutes (for the between-block spread). */
function blocksOf(ranges: TimeRange[], blockMinutes: number): TimeRange[] {
  const out: TimeRange[] = [];
  for (const r of ranges) {
    for (let from = r.fromMs; from < r.toMs; from += blockMinutes * MINUTE_MS) {
      out.push({ fromMs: from, toMs: Math.min(r.toMs, from + blockMinutes * MINUTE_MS) });
    }
  }
  return out;
}

const clip = (r: TimeRange, beforeMs?: number): TimeRange => ({ ...r, toMs: Math.min(r.toMs, beforeMs ?? Infinity) });

/**
 * Builds the baseline: the same window on previous days when at least one has enough data (with
 * today's level measured over earlier hours), else the trailing day; 'none' when neither has
 * minBaselineSamples values. Segments are recomputed only when withSegments is set; otherwise
 * those of `previous` are kept. Data from the onset of an open regression on is left out.
 */
export function computeBaseline(
  index: Map<string, SegmentMinutes>,
  cfg: RumConfig,
  now: number,
  offset: number,
  onsetAt: number | undefined,
  previous: BaselineSummary | undefined,
  withSegments: boolean,
): BaselineSummary {
  const all = index.get('all');
  const perDayMin = Math.max(1, Math.ceil(cfg.minBaselineSamples / cfg.baselineDays));
  const days = sameWindowDays(cfg, now)
    .map(({ day, range }) => ({ day, r: clip(range, onsetAt) }))
    .filter((d) => d.r.toMs > d.r.fromMs)
    .map((d) => ({ ...d, sketch: mergeRanges(all, [d.r]) }))
    .filter((d) => d.sketch.count >= perDayMin);
  let mode: BaselineMode = 'same_window';
  let ranges = days.map((d) => d.r);
  if (days.reduce((s, d) => s + d.sketch.count, 0) < cfg.minBaselineSamples) {
    mode = 'trailing';
    ranges = [trailingRange(cfg, now, onsetAt)];
  }
  const allMerged = mode === 'same_window' ? QuantileSketch.mergeAll(days.map((d) => d.sketch)) : mergeRanges(all, ranges);
  if (allMerged.count < cfg.minBaselineSamples) {
    return { computedAt: now, segmentsComputedAt: now, mode: 'none', days: 0, ranges: [], blockSd: cfg.dayToDaySdFloor, level: null, segments: {} };
  }
  let level: DayLevel | null = null;
  let spread: Spread;
  const keepSegments = !withSegments && previous && previous.mode === mode;
  if (mode === 'same_window' && keepSegments && previous.days === days.length) {
    // The level covers hours and moves slowly: it is refreshed with the segments.
    level = previous.level;
    spread = { sd: previous.blockSd, df: Infinity };
  } else if (mode === 'same_window') {
    // Each previous day's level hours are merged once and used twice (level and spread).
    const levels = cfg.levelWindowMinutes > 0 ? days.map((d) => mergeRanges(all, [levelRange(cfg, now, d.day)])) : [];
    level = dayLevel(all, cfg, now, offset, levels, onsetAt);
    spread = daySpread(days.map((d) => d.sketch), level ? levels : null, offset);
  } else {
    spread = spreadOf(blocksOf(ranges, 60).map((b) => mergeRanges(all, [b])), offset);
  }
  const blockSd = spread.df === Infinity ? spread.sd : pooledSd(spread, cfg.dayToDaySdFloor);
  const segmentBlocks = mode === 'same_window' ? ranges : blocksOf(ranges, 60);
  const segments: Record<string, SegmentBaseline> = keepSegments ? { ...previous.segments } : segmentBaselines(index, segmentBlocks, offset, blockSd);
  const allSummary = summarize(allMerged, offset);
  segments.all = { ...allSummary, dim: 'all', value: '', share: 1, rest: null };
  const routeAtSegments = keepSegments ? previous.routeAtSegments : finiteOr(trimmedLog(allSummary).mean);
  return {
    computedAt: now,
    segmentsComputedAt: keepSegments ? previous.segmentsComputedAt : now,
    mode,
    days: mode === 'same_window' ? days.length : 0,
    ranges,
    blockSd,
    level,
    segments,
    routeAtSegments,
  };
}

const finiteOr = (x: number): number | undefined => (Number.isFinite(x) ? x : undefined);

/**
 * Baselines of every segment over the baseline ranges, each with its own spread between ranges
 * (days or hours): a segment moves more from day to day than the route (its own mix moves).
 */
function segmentBaselines(index: Map<string, SegmentMinutes>, blocks: TimeRange[], offset: number, routeSd: number): Record<string, SegmentBaseline> {
  const merged = new Map<string, QuantileSketch>();
  const spread = new Map<string, number>();
  const trimSpread = new Map<string, number>();
  const byDim = new Map<SegmentDim, string[]>();
  for (const [key, entry] of index) {
    if (key === 'all') continue;
    const parts = blocks.map((b) => mergeRanges(entry, [b]));
    const sketch = QuantileSketch.mergeAll(parts);
    if (sketch.count === 0) continue;
    merged.set(key, sketch);
    const summaries = parts.map((p) => summarize(p, offset));
    spread.set(key, pooledSd(spreadOfSummaries(summaries, p75Estimate(offset)), routeSd));
    trimSpread.set(key, pooledSd(spreadOfSummaries(summaries, trimEstimate), routeSd));
    byDim.set(entry.segment.dim, [...(byDim.get(entry.segment.dim) ?? []), key]);
  }
  const segments: Record<string, SegmentBaseline> = {};
  for (const [, keys] of byDim) {
    const dimTotal = keys.reduce((s, k) => s + merged.get(k)!.count, 0);
    for (const key of keys) {
      const sketch = merged.get(key)!;
      const others = keys.filter((k) => k !== key).map((k) => merged.get(k)!);
      let rest: SegmentBaseline['rest'] = null;
      if (others.length > 0) {
        const r = summarize(QuantileSketch.mergeAll(others), offset);
        rest = { n: r.n, p75: r.p75, logSlope: r.logSlope };
      }
      const seg = index.get(key)!.segment;
      segments[key] = { ...summarize(sketch, offset), dim: seg.dim, value: seg.value, share: sketch.count / dimTotal, rest, blockSd: spread.get(key)!, trimBlockSd: trimSpread.get(key)! };
    }
  }
  return segments;
}

function logP75(sketch: QuantileSketch, offset: number): { log: number; se: number } {
  const d = summarize(sketch, offset);
  return { log: Math.log(d.p75 + offset), se: p75LogSe(d.n, d.logSlope) };
}

/**
 * Today's level: p75 over earlier hours of today against the same hours of the previous days
 * used. Days differ (weather, news, a slow ISP); measuring today removes most of that spread.
 */
function dayLevel(all: SegmentMinutes | undefined, cfg: RumConfig, now: number, offset: number, previousDays: QuantileSketch[], onsetAt?: number): DayLevel | null {
  if (cfg.levelWindowMinutes <= 0 || previousDays.length === 0) return null;
  const today = mergeRanges(all, [clip(levelRange(cfg, now, 0), onsetAt)]);
  const before = QuantileSketch.mergeAll(previousDays);
  if (today.count < cfg.minBaselineSamples || before.count < cfg.minBaselineSamples) return null;
  const t = logP75(today, offset);
  const b = logP75(before, offset);
  return { log: t.log - b.log, se: Math.hypot(t.se, b.se) };
}

/**
 * Spread between previous days of ln p75 in the same window, beyond sampling: with levels, of
 * the window minus that day's level (what the level cannot predict), else of the window itself.
 */
function daySpread(windows: QuantileSketch[], levels: QuantileSketch[] | null, offset: number): Spread {
  const values: number[] = [];
  let samplingVar = 0;
  windows.forEach((w, i) => {
    if (w.count < 30) return;
    const wl = logP75(w, offset);
    let v = wl.log;
    let s2 = wl.se * wl.se;
    if (levels) {
      if (levels[i].count < 30) return;
      const lv = logP75(levels[i], offset);
      v -= lv.log;
      s2 += lv.se * lv.se;
    }
    values.push(v);
    samplingVar += s2;
  });
  return spreadFrom(values, samplingVar);
}

/** A spread estimate with its degrees of freedom (0 when there were too few blocks). */
interface Spread {
  sd: number;
  df: number;
}

function spreadFrom(values: number[], samplingVar: number): Spread {
  if (values.length < 3) return { sd: 0, df: 0 };
  return { sd: Math.sqrt(Math.max(0, variance(values) - samplingVar / values.length)), df: values.length - 1 };
}

/**
 * A few days give a very noisy spread: pool it with a prior worth PRIOR_DF degrees of freedom
 * (the configured floor for the route, the route's spread for a segment); never below the prior.
 */
function pooledSd(s: Spread, prior: number): number {
  const pooled = Math.sqrt((PRIOR_DF * prior * prior + s.df * s.sd * s.sd) / (PRIOR_DF + s.df));
  return Math.max(prior, pooled);
}
const PRIOR_DF = 4;

/** One block's estimate of a log location and its sampling error. */
type Estimate = (d: DistSummary) => { log: number; se: number };

/** ln p75 (what the p75 side of the tests uses). */
const p75Estimate =
  (offset: number): Estimate =>
  (d) => ({ log: Math.log(d.p75 + offset), se: p75LogSe(d.n, d.logSlope) });

/**
 * The trimmed log mean (what the verdicts rest on). It is about 1.75 times as efficient as ln p75,
 * so less of a segment's day-to-day movement hides in the sampling term: the spread of p75 would
 * understate what the trimmed mean is judged against.
 */
const trimEstimate: Estimate = (d) => {
  const t = trimmedLog(d);
  return { log: t.mean, se: trimmedLogSe(d.n, t.sd) };
};

/** Spread of an estimate between blocks beyond sampling (hours of the trailing day, or days). */
function spreadOfSummaries(blocks: DistSummary[], estimate: Estimate): Spread {
  const logs: number[] = [];
  let samplingVar = 0;
  for (const d of blocks) {
    if (d.n < 30) continue;
    const v = estimate(d);
    if (!Number.isFinite(v.log)) continue;
    logs.push(v.log);
    samplingVar += v.se * v.se;
  }
  return spreadFrom(logs, samplingVar);
}

/** Spread of ln p75 between blocks beyond sampling. */
function spreadOf(blocks: QuantileSketch[], offset: number): Spread {
  return spreadOfSummaries(blocks.map((s) => summarize(s, offset)), p75Estimate(offset));
}

/** True when this tick judges the segments too (on schedule, or while a regression is pending or open). */
export function isScanTick(cfg: RumConfig, now: number, state?: { streak?: number; active?: boolean }): boolean {
  return Math.floor(now / MINUTE_MS) % Math.max(1, cfg.segmentScanEveryMinutes) === 0 || (state?.streak ?? 0) > 0 || !!state?.active;
}

/** True when the stored baseline can be reused at this tick. */
export function baselineIsFresh(cfg: RumConfig, now: number, baseline?: BaselineSummary): boolean {
  return !!baseline && baseline.mode !== 'none' && now - baseline.computedAt < cfg.baselineRefreshMinutes * MINUTE_MS && now >= baseline.computedAt;
}

/** True when the segments of the baseline should be recomputed at this tick. */
export function segmentsDue(cfg: RumConfig, now: number, baseline?: BaselineSummary): boolean {
  return !baseline || baseline.mode === 'none' || now - baseline.segmentsComputedAt >= cfg.segmentBaselineRefreshMinutes * MINUTE_MS || now < baseline.segmentsComputedAt;
}

/**
 * Ranges the server should load for the next detectRum call: the recent windows (segments only
 * on scan ticks) and, when the baseline is due, its ranges (segments only when they are due too).
 */
export function rumRanges(
  detectConfig: DetectConfig,
  now: number,
  state?: { baseline?: BaselineSummary; onsetAt?: number; streak?: number; active?: boolean },
): TimeRange[] {
  const cfg = detectConfig.rum;
  const nowMinute = floorMinute(now);
  const ranges: TimeRange[] = [{ fromMs: nowMinute - longestMs(cfg), toMs: nowMinute, segments: isScanTick(cfg, now, state) }];
  const baseline = state?.baseline;
  if (baselineIsFresh(cfg, now, baseline)) return ranges;
  const segments = segmentsDue(cfg, now, baseline);
  const onset = state?.active ? state.onsetAt : undefined;
  for (const { range } of sameWindowDays(cfg, now)) ranges.push({ ...clip(range, onset), segments });
  // The trailing day is only read when the previous days had too little (known after one try).
  if (baseline && baseline.mode !== 'same_window') ranges.push({ ...trailingRange(cfg, now, onset), segments });
  if (segments && cfg.levelWindowMinutes > 0 && (!baseline || baseline.mode === 'same_window')) {
    for (let d = 0; d <= cfg.baselineDays; d++) ranges.push({ ...clip(levelRange(cfg, now, d), d === 0 ? onset : undefined), segments: false });
  }
  return ranges.filter((r) => r.toMs > r.fromMs);
}
