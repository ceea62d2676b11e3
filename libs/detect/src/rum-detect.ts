import { QuantileSketch } from '@parallax/sketch';
import type { DetectConfig, RumConfig } from './config';
import { DistSummary, logOffset, summaryCdf, trimmedLog, trimmedLogSe } from './dist';
import { countAbove, rumOnset } from './onset';
import { attributeSegments, detectMixChange, MixChange, SegmentAttribution } from './rum-attribution';
import { BaselineMode, BaselineSummary, baselineIsFresh, computeBaseline, indexRollups, isScanTick, MINUTE_MS, segmentsDue } from './rum-data';
import { buildWindows, changePct, excessOverRest, orderStatsCache, survivesBlip, testUnit, UnitBaseline, UnitTest, WindowData } from './rum-test';
import { benjaminiHochberg, finiteOrNull, hashSeed, mulberry32, normalQuantile, normalUpperTail, slidingWindowZ } from './stats';
import type { DetectStatus, RumMetric, RumSeries, Segment } from './types';

/** What the RUM detector carries from one tick to the next (plain JSON). */
export interface RumState {
  /** Consecutive ticks with a regression candidate. */
  streak: number;
  /** A regression is being reported (persisted, with hysteresis until it clearly recovers). */
  active: boolean;
  /** Segment key ('all' or dim=value) whose test opened the regression. */
  unit?: string;
  onsetAt?: number;
  baseline?: BaselineSummary;
}

/** Numbers behind a RUM verdict, as stored on an incident. */
export interface RumEvidence {
  /** The segment the numbers are about ({ dim: 'all' } for the whole route). */
  segment: Segment;
  windowMinutes: number;
  /** null when there was nothing to compute it from. */
  baselineP75: number | null;
  currentP75: number | null;
  changePct: number | null;
  /**
   * Confidence interval at ciLevelPct, percent, of the change the verdict rests on (ciOf): the
   * shift of typical page views (10%-trimmed mean of log values, which moves with p75 when
   * everyone in the route or segment gets slower and is far less noisy), or p75 when the baseline
   * had no trimmed mean.
   */
  ciLow: number | null;
  ciHigh: number | null;
  ciLevelPct: number;
  ciOf: 'shift' | 'p75';
  /** The shift of typical page views, percent (null when the verdict rests on p75). */
  shiftPct: number | null;
  pValue: number;
  nBaseline: number;
  nCurrent: number;
  /** Smallest p75 change this window could have detected (null without a baseline). */
  minDetectableChangePct: number | null;
  baselineMode: BaselineMode;
  baselineDays: number;
  /** How much slower (or faster) than the previous days today was before the windows; baselines are scaled by it. */
  levelPct: number;
}

/** Verdict of one tick for one site x route x metric. */
export interface RumResult {
  route: string;
  metric: RumMetric;
  at: number;
  status: DetectStatus;
  evidence: RumEvidence;
  /** 'segment' when some segments carry the regression, 'broad' when everyone got slower. */
  scope: 'broad' | 'segment' | null;
  /** Ranked attribution (carriers first); empty when nothing is going on. */
  segments: SegmentAttribution[];
  /** Set when p75 rose only because the traffic mix changed: not a regression of users. */
  mixChange: MixChange | null;
  onsetAt: number | null;
  state: RumState;
}

const INITIAL_STATE: RumState = { streak: 0, active: false };
/** The weaker test of the ticks before the opening one: z at least NEAR x the full z (segments: q at most alpha / NEAR_Q). */
const NEAR = 0.85;
const NEAR_Q = 0.1;

/**
 * Real-user regression detector for one site x route x metric at one tick. Compares the recent
 * windows with the baseline (same window on previous days, else the trailing day) on p75, for the
 * whole route and per segment (Benjamini-Hochberg), needs a practical and a significant change
 * that persists, and tells a traffic-mix change apart from users getting slower.
 */
export function detectRum(series: RumSeries, cfg: DetectConfig, now: number, previousState?: RumState): RumResult {
  const rc = cfg.rum;
  const prev = previousState ?? INITIAL_STATE;
  const offset = logOffset(series.metric);
  const index = indexRollups(series.rollups);
  if (!index.has('all')) index.set('all', { segment: { dim: 'all', value: '' }, minutes: new Map() });
  const baseline =
    prev.baseline && baselineIsFresh(rc, now, prev.baseline)
      ? prev.baseline
      : computeBaseline(index, rc, now, offset, prev.active ? prev.onsetAt : undefined, prev.baseline, segmentsDue(rc, now, prev.baseline));
  // Today's level scales every baseline p75 (a day effect is shared by all segments).
  const levelLog = baseline.level?.log ?? 0;
  const levelVar = (baseline.level?.se ?? 0) ** 2;
  // The evidence is the shift of the trimmed log mean, for the whole route and for segments alike.
  const adjust = (b: (UnitBaseline & Partial<DistSummary>) | undefined): UnitBaseline | undefined =>
    b && {
      n: b.n,
      logSlope: b.logSlope,
      p75: (b.p75 + offset) * Math.exp(levelLog) - offset,
      extraVar: levelVar,
      trim: b.logQ ? shifted(trimmedLog(b as DistSummary), levelLog) : undefined,
    };

  const windowsMinutes = [...rc.recentWindowsMinutes].sort((a, b) => a - b);
  const { zAllOf, alphaAllOf, zP75Of } = routeThresholds(rc, windowsMinutes.length);

  // Segments are judged on scan ticks only; other ticks look at the whole route alone.
  const scheduled = isScanTick(rc, now, prev);
  const scan = scheduled && [...index.keys()].some((k) => k !== 'all');
  const windows = new Map<string, WindowData[]>();
  for (const [key, entry] of index) {
    if (!scan && key !== 'all') continue;
    const w = buildWindows(entry.minutes, windowsMinutes, now, offset);
    if (w[w.length - 1].summary.n > 0 || key === 'all') windows.set(key, w);
  }

  const orderStats = orderStatsCache();
  const runTests = (keys: string[], allowBootstrap: boolean, zCrit: (w: number) => number): UnitTest[] => {
    const out: UnitTest[] = [];
    for (const key of keys) {
      const segment = index.get(key)!.segment;
      const isAll = key === 'all';
      let base: UnitBaseline | undefined = baseline.segments[key];
      let isNew = false;
      if (!isAll && segment.dim === 'release' && (!baseline.segments[key] || baseline.segments[key].share < 0.01) && baseline.segments.all) {
        base = baseline.segments.all;
        isNew = true;
      }
      base = adjust(base);
      const own = isAll || isNew ? undefined : baseline.segments[key];
      for (const window of windows.get(key)!) {
        out.push(
          testUnit({
            key,
            segment,
            window,
            baseline: base,
            isNew,
            minCurrent: isAll ? rc.minSamples : rc.minSegmentSamples,
            minBaseline: isAll ? rc.minBaselineSamples : rc.minSegmentSamples,
            // A segment's own spread between days when it is larger than the route's.
            blockSd: Math.max(baseline.blockSd, own?.blockSd ?? 0),
            trimBlockSd: Math.max(baseline.blockSd, own?.trimBlockSd ?? own?.blockSd ?? 0),
            zCrit: zCrit(window.windowMinutes),
            cfg: rc,
            metric: series.metric,
            offset,
            rng: mulberry32(hashSeed(rc.seed, `${series.route}|${series.metric}|${key}|${window.windowMinutes}|${now}`)),
            allowBootstrap,
            orderStats,
          }),
        );
      }
    }
    return out;
  };

  const allTests = runTests(['all'], true, zAllOf);
  const ongoing = (t: UnitTest) => isOngoing(windows.get(t.key)!, t.baselineP75, now, rc.ongoingMinutes, rc.ongoingZ);
  const notBlip = (t: UnitTest, zCrit: number) => {
    const ws = windows.get(t.key)!;
    const window = ws.find((w) => w.windowMinutes === t.windowMinutes)!;
    return survivesBlip(t, window, rc.blipMinutes, rc, series.metric, offset, earlierMinutes(ws, window), zCrit);
  };
  const allHits = allTests.filter((t) => t.testable && t.practical && t.evidenceZ >= zAllOf(t.windowMinutes) && ongoing(t) && notBlip(t, zAllOf(t.windowMinutes)));
  // Segments decide the verdict only when the whole route does not; otherwise they only rank,
  // and the analytic error is enough for that (the bootstrap is the expensive part).
  const segKeys = [...windows.keys()].filter((k) => k !== 'all');
  const { z: zSeg, alpha: alphaSegments } = segmentThreshold(rc, segKeys.length);
  // A value holding (nearly) the whole dimension is the route again, not a segment.
  const wholeRoute = (t: UnitTest) => !t.isNew && (baseline.segments[t.key]?.share ?? 0) >= 0.95;
  const segTests = runTests(segKeys, allHits.length === 0, () => zSeg).filter((t) => t.testable && !wholeRoute(t));
  const tests = [...allTests, ...segTests];
  // A segment is judged on the longest window only: with its fewer values, a few slow minutes in a
  // short window (a blip) would pass as a segment regression; an hour keeps them a blip.
  const longest = windowsMinutes[windowsMinutes.length - 1];
  const segDecisive = segTests.filter((t) => t.windowMinutes === longest);
  const qList = benjaminiHochberg(segDecisive.map((t) => (t.practical ? t.evidenceP : 1)));
  const qByTest = new Map(segDecisive.map((t, i) => [t, qList[i]]));
  // A segment decides only what the route alone does not see: it must have got slower than the
  // rest of the route too. An hour when everyone is 10% slower (below the route's threshold) is
  // not a regression of its biggest country.
  const allLongest = allTests.find((t) => t.windowMinutes === longest);
  // The route's shift against its baseline as of the segments' refresh (same clock hours).
  const allLogAtSegments =
    allLongest?.baseTrim && baseline.routeAtSegments !== undefined
      ? allLongest.evidenceLog + allLongest.baseTrim.mean - (baseline.routeAtSegments + levelLog)
      : allLongest?.evidenceLog;
  const standsOut = (t: UnitTest) => {
    const x = allLongest && excessOverRest(t, allLongest, t.isNew ? allLongest.evidenceLog : allLogAtSegments);
    return !x || x.z >= rc.segmentExcessZ;
  };
  const segHits = segDecisive.filter((t) => t.practical && qByTest.get(t)! <= alphaSegments && ongoing(t) && standsOut(t) && notBlip(t, zSeg));

  const best = (list: UnitTest[]) => list.reduce<UnitTest | undefined>((x, y) => (!x || y.evidenceZ > x.evidenceZ ? y : x), undefined);
  const bestSeg = (list: UnitTest[]) => list.reduce<UnitTest | undefined>((x, y) => (!x || qByTest.get(y)! < qByTest.get(x)! ? y : x), undefined);
  let primary = best(allHits) ?? bestSeg(segHits);
  let mixChange: MixChange | null = null;
  if (scan && primary) {
    // Is it the traffic mix? If holding one dimension's mix at its baseline removes the change,
    // only segments of that dimension can still show users getting slower: other dimensions'
    // segments inherit the mix (mobile users are "slower" when more of them are in India).
    const allOfWindow = allTests.find((t) => t.windowMinutes === primary!.windowMinutes && t.testable);
    if (allOfWindow) {
      mixChange = detectMixChange(allOfWindow, currentWindows(windows, primary.windowMinutes), baseline, rc, series.metric, offset, zP75Of(primary.windowMinutes), levelLog);
    }
    if (mixChange) {
      const within = segHits.filter((t) => t.segment.dim === mixChange!.dim);
      primary = bestSeg(within);
      if (primary) mixChange = null;
    }
  }
  const candidate = primary !== undefined;
  // The tick before the one that opens may pass a slightly weaker test: the opening tick itself
  // passes the full one, so the false-alarm rate is unchanged and opening is a minute sooner.
  const nearly =
    !mixChange &&
    (allTests.some((t) => t.testable && t.practical && t.evidenceZ >= NEAR * zAllOf(t.windowMinutes) && ongoing(t)) ||
      segDecisive.some((t) => t.practical && qByTest.get(t)! <= alphaSegments / NEAR_Q && ongoing(t) && standsOut(t)));

  const { streak, active, unit, onsetAt } = nextActivity({ prev, rc, now, candidate, nearly, scheduled, primary, tests, windows, baseline, levelLog, offset });

  const unitTests = tests.filter((t) => t.key === (active ? unit : primary?.key) && t.testable);
  const shown = primary ?? best(unitTests) ?? allTests[allTests.length - 1];
  const longAll = allTests[allTests.length - 1];
  const insufficient = baseline.mode === 'none' || !longAll.testable;
  const status: DetectStatus = active ? 'regressed' : insufficient ? 'insufficient' : 'ok';

  let segments: SegmentAttribution[] = [];
  if (active || candidate || mixChange) {
    const w = shown.windowMinutes;
    const windowTests = tests.filter((t) => t.windowMinutes === w);
    // Segments are decided on the longest window: their q-values come from there.
    const q = new Map(segDecisive.map((t) => [t.key, qByTest.get(t)!]));
    segments = attributeSegments(windowTests, q, currentWindows(windows, w), baseline, rc, offset, zP75Of(w), levelLog);
  }

  const evidence = rumEvidence(shown, allTests, baseline, rc, series.metric, offset, levelLog, zAllOf, alphaAllOf);
  return {
    route: series.route,
    metric: series.metric,
    at: now,
    status,
    evidence,
    scope: active || candidate ? (segments.some((s) => s.carries) ? 'segment' : 'broad') : null,
    segments,
    mixChange,
    onsetAt: onsetAt ?? null,
    state: { streak, active, unit, onsetAt, baseline },
  };
}

/** Critical values of the whole route's tests: half the false-alarm budget, split over its windows. */
function routeThresholds(rc: DetectConfig['rum'], windowCount: number) {
  // Half of the false-alarm budget for the whole route (split over its windows), half for the
  // segments (Benjamini-Hochberg, calibrated like the route on crossings of a sliding window).
  const weekMinutes = 7 * rc.dayMinutes;
  const budget = rc.falseAlarmsPerWeek / 2 / windowCount;
  // The route's verdict: judged every minute on a sliding window, so calibrated on upcrossings.
  const zAllOf = (w: number) => slidingWindowZ(budget / weekMinutes, w);
  const alphaAllOf = (w: number) => normalUpperTail(zAllOf(w));
  // The p75 side (mix analysis, attribution) keeps one look per window length.
  const zP75Of = (w: number) => normalQuantile(1 - budget * (w / weekMinutes));
  return { zAllOf, alphaAllOf, zP75Of };
}

/** What nextActivity needs to move the series' state on by one tick. */
interface ActivityInput {
  prev: RumState;
  rc: DetectConfig['rum'];
  now: number;
  candidate: boolean;
  nearly: boolean;
  scheduled: boolean;
  primary: UnitTest | undefined;
  tests: UnitTest[];
  windows: Map<string, WindowData[]>;
  baseline: RumState['baseline'] & object;
  levelLog: number;
  offset: number;
}

/** Persistence on the way in, hysteresis on the way out: whether the series is regressed after this tick, and since when. */
function nextActivity({ prev, rc, now, candidate, nearly, scheduled, primary, tests, windows, baseline, levelLog, offset }: ActivityInput) {
  // A regression holds while its unit stays worse by half the threshold with some evidence, so it does not flap at the edge.
  const streak = candidate || nearly ? prev.streak + 1 : 0;
  let active: boolean;
  let unit = prev.unit;
  let onsetAt = prev.onsetAt;
  if (prev.active) {
    const half = Math.log(1 + rc.minEffectPct / 200);
    const holds = tests.some((t) => t.key === prev.unit && t.testable && t.evidenceLog >= half && t.evidenceZ >= 2);
    active = candidate || holds;
  } else if (streak >= rc.persistTicks && candidate && scheduled) {
    // Opening needs a scan tick (only segments can tell a mix change from users getting
    // slower) and a change that has lasted minDurationMinutes: with the ongoing check, a blip of
    // a few slow minutes is over before it could open anything.
    const long = windows.get(primary!.key)!;
    // Values above halfway to the current level were rare in the baseline (p0) and common since the onset.
    const threshold = Math.sqrt(primary!.baselineP75 * primary!.currentP75);
    const dist = (primary!.isNew ? baseline.segments.all : baseline.segments[primary!.key]) ?? baseline.segments.all;
    const p0 = dist ? 1 - summaryCdf(dist, Math.log(threshold + offset) - levelLog) : 0.25;
    const onset = rumOnset(long[long.length - 1].minutes, threshold, Math.min(0.5, Math.max(0.01, p0))) ?? now - primary!.windowMinutes * MINUTE_MS;
    active = now - onset >= rc.minDurationMinutes * MINUTE_MS;
    if (active) {
      unit = primary!.key;
      onsetAt = onset;
    }
  } else {
    active = false;
  }
  if (!active) {
    unit = undefined;
    onsetAt = undefined;
  }

  return { streak, active, unit, onsetAt };
}

/** The numbers shown with the verdict, from the test shown (the primary one, else the best of its unit, else the route's longest). */
function rumEvidence(
  shown: UnitTest,
  allTests: UnitTest[],
  baseline: RumState['baseline'] & object,
  rc: DetectConfig['rum'],
  metric: RumMetric,
  offset: number,
  levelLog: number,
  zAllOf: (w: number) => number,
  alphaAllOf: (w: number) => number,
): RumEvidence {
  const zShown = zAllOf(shown.windowMinutes);
  return {
    segment: shown.segment,
    windowMinutes: shown.windowMinutes,
    baselineP75: finiteOrNull(shown.baselineP75),
    currentP75: finiteOrNull(shown.currentP75),
    changePct: shown.testable ? finiteOrNull(changePct(shown.currentP75, shown.baselineP75, offset)) : null,
    ciLow: shown.testable ? finiteOrNull((Math.exp(shown.evidenceLog - zShown * shown.evidenceSe) - 1) * 100) : null,
    ciHigh: shown.testable ? finiteOrNull((Math.exp(shown.evidenceLog + zShown * shown.evidenceSe) - 1) * 100) : null,
    ciLevelPct: (1 - 2 * alphaAllOf(shown.windowMinutes)) * 100,
    ciOf: shown.baseTrim ? 'shift' : 'p75',
    shiftPct: shown.testable && shown.baseTrim ? finiteOrNull((Math.exp(shown.evidenceLog) - 1) * 100) : null,
    pValue: shown.evidenceP,
    nBaseline: shown.nBaseline,
    nCurrent: shown.nCurrent,
    minDetectableChangePct: minDetectableChange(allTests, baseline, rc.absoluteFloor[metric], rc.minEffectPct, zAllOf, rc.power),
    levelPct: (Math.exp(levelLog) - 1) * 100,
    baselineMode: baseline.mode,
    baselineDays: baseline.days,
  };
}

/**
 * The segments' threshold: half the false-alarm budget, over `segments` tests of the longest
 * window at every scan. Consecutive scans share most of that window, so the threshold counts
 * crossings per scan like the route's per minute (one look per window would allow several times
 * the budget); `alpha` is the Benjamini-Hochberg level whose Bonferroni bound is that z.
 */
export function segmentThreshold(rc: RumConfig, segments: number): { z: number; alpha: number } {
  const scanEvery = Math.max(1, rc.segmentScanEveryMinutes);
  const families = Math.max(1, segments);
  const perScan = ((rc.falseAlarmsPerWeek / 2) * scanEvery) / (7 * rc.dayMinutes);
  const z = slidingWindowZ(perScan / families, Math.max(...rc.recentWindowsMinutes) / scanEvery);
  return { z, alpha: families * normalUpperTail(z) };
}

const shifted = (t: { mean: number; sd: number }, by: number) => ({ mean: t.mean + by, sd: t.sd });

/** True when the last minutes still have more values above the baseline p75 than its 25%. */
function isOngoing(windows: WindowData[], baselineP75: number, now: number, minutes: number, z: number): boolean {
  if (minutes <= 0) return true;
  const from = Math.floor(now / MINUTE_MS) * MINUTE_MS - minutes * MINUTE_MS;
  let above = 0;
  let n = 0;
  for (const m of windows[windows.length - 1].minutes) {
    if (m.minute < from) continue;
    above += countAbove(m.sketch, baselineP75);
    n += m.sketch.count;
  }
  return n > 0 && (above / n - 0.25) / Math.sqrt(0.1875 / n) >= z;
}

/**
 * The whole route's values in the longest window before a shorter one (what a short window's
 * step rises from); undefined for the longest window itself and for segments.
 */
function earlierMinutes(windows: WindowData[], window: WindowData): QuantileSketch | undefined {
  const longest = windows[windows.length - 1];
  if (window === longest || window.minutes.length === 0) return undefined;
  return QuantileSketch.mergeAll(longest.minutes.filter((m) => m.minute < window.fromMs).map((m) => m.sketch));
}

function currentWindows(windows: Map<string, WindowData[]>, windowMinutes: number): Map<string, WindowData> {
  const out = new Map<string, WindowData>();
  for (const [key, ws] of windows) {
    const w = ws.find((x) => x.windowMinutes === windowMinutes);
    if (w && w.summary.n > 0) out.set(key, w);
  }
  return out;
}

/**
 * Smallest p75 change (percent) the best window could have detected with the configured power,
 * never below the practical threshold; null without a baseline.
 */
function minDetectableChange(
  allTests: UnitTest[],
  baseline: BaselineSummary,
  floor: number,
  minEffectPct: number,
  zCrit: (windowMinutes: number) => number,
  power: number,
): number | null {
  const base = baseline.segments.all;
  if (baseline.mode === 'none' || !base) return null;
  // The verdict's statistic: the trimmed log mean, with the baseline's spread for the current side.
  const sd = trimmedLog(base).sd;
  const seBase = Math.hypot(trimmedLogSe(base.n, sd), baseline.level?.se ?? 0);
  let best = Infinity;
  for (const t of allTests) {
    const se = Math.sqrt(trimmedLogSe(Math.max(1, t.nCurrent), sd) ** 2 + seBase ** 2 + baseline.blockSd ** 2);
    best = Math.min(best, (Math.exp((zCrit(t.windowMinutes) + normalQuantile(power)) * se) - 1) * 100);
  }
  const floorPct = base.p75 > 0 ? (floor / base.p75) * 100 : 0;
  return Math.max(best, minEffectPct, floorPct);
}
