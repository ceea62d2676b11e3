import type { RumMetric } from './types';

/** Settings of the real-user detector; windows in minutes so demos and tests can shrink them. */
export interface RumConfig {
  /** Recent windows compared with the baseline, shortest first (short = fast, long = sensitive). */
  recentWindowsMinutes: number[];
  /** Length of a "day" for the same-window-on-previous-days baseline (1440; shrink for demos). */
  dayMinutes: number;
  /** How many previous days the baseline looks at. */
  baselineDays: number;
  /** Width of the baseline window on each previous day, centred on the same clock time as now. */
  baselineWindowMinutes: number;
  /** Fallback baseline when there is no history: this many minutes before the longest window. */
  trailingBaselineMinutes: number;
  /** The baseline summary is recomputed at most this often (it moves slowly). */
  baselineRefreshMinutes: number;
  /** Its per-segment part (the expensive one) at most this often. */
  segmentBaselineRefreshMinutes: number;
  /**
   * Today's level: p75 over this many minutes earlier today against the same minutes on the
   * previous days scales the baseline, which removes most day-to-day spread (0 turns it off).
   */
  levelWindowMinutes: number;
  /** Gap between the level's minutes and the longest recent window, so a slow regression is not absorbed at once. */
  levelGapMinutes: number;
  /**
   * Segments are scanned every this many minutes (and every minute while something is going on);
   * the whole route is judged every tick. Keeps the per-tick cost near one sketch merge per minute.
   */
  segmentScanEveryMinutes: number;
  /** Fewest values in a recent window before it can be judged. */
  minSamples: number;
  /** Fewest values in the baseline. */
  minBaselineSamples: number;
  /** Fewest values of one segment in a recent window (and its baseline) to test that segment. */
  minSegmentSamples: number;
  /** Practical effect: p75 must be worse by at least this many percent. */
  minEffectPct: number;
  /**
   * The same for one segment alone. Higher: rollups are cut by one dimension at a time, so a
   * segment's own mix (which countries its desktop users come from) moves its p75 unchecked.
   */
  segmentMinEffectPct: number;
  /**
   * A segment decides a verdict only when its typical page view got slower than the rest of the
   * route's (the other values of its dimension) by this z: otherwise the change is everyone's,
   * and the whole route's test judges it. The z has sampling error only (the day's level and the
   * between-day spread cancel), so it sits above the segments' own family threshold (about 5.1
   * for 20 segments at the default budget): a segment also moves against the route from day to
   * day and hour to hour. Default 5.5; a real segment step (BR +40%, 14% of traffic) exceeds 8.
   */
  segmentExcessZ: number;
  /** Practical effect: and by at least this absolute amount (metric units). */
  absoluteFloor: Record<RumMetric, number>;
  /**
   * False alarms a week one series may raise without any change (half for the whole route, half
   * for its segments). A window of w minutes looks about 7 days / w independent times a week, so
   * its one-sided alpha is its share of this budget over that many looks: long windows may use a
   * larger alpha than short ones for the same rate.
   */
  falseAlarmsPerWeek: number;
  /** Power used to report the smallest change that could have been seen. */
  power: number;
  /** Consecutive ticks a regression must hold before it is reported. */
  persistTicks: number;
  /**
   * A regression must still be going on: in the last this many minutes more values than usual
   * exceed the baseline p75 (by ongoingZ standard errors). A burst that ended does not open one.
   */
  ongoingMinutes: number;
  ongoingZ: number;
  /** A regression opens only once it has lasted this long since its estimated onset. */
  minDurationMinutes: number;
  /**
   * Backend hiccups last a few minutes: a window's change must still be practical and significant
   * (one-sided 1%) without its worst this many consecutive minutes, or it is a blip (0 turns it off).
   */
  blipMinutes: number;
  /**
   * A short window opens only on a rise from the minutes just before it (today, in the longest
   * window): without the blip, its values must exceed those by this z (0 turns it off). An hour
   * that was a few percent slower than the baseline all along, plus a hiccup, is not a step: a
   * step of 20% at 50 page views a minute reaches about 4.3 here when it opens, that hour 2 to 2.6.
   */
  localRiseZ: number;
  /** Bootstrap replicates over per-minute blocks. */
  bootstrapReplicates: number;
  /** Floor of the day-to-day spread of p75 the level does not explain (ln units): a week of history can underestimate it. */
  dayToDaySdFloor: number;
  /** Seed of the bootstrap's PRNG: equal inputs give equal answers. */
  seed: number;
}

/** Settings of the synthetic detector. */
export interface SyntheticConfig {
  /** Recent runs per location: the last this many runs... */
  recentRuns: number;
  /** ...within this many minutes. */
  recentWindowMinutes: number;
  /** At least this many recent runs before a location is judged. */
  minRecentRuns: number;
  /** Baseline: runs in this many minutes before the recent window. */
  baselineMinutes: number;
  /** At least this many baseline runs. */
  minBaselineRuns: number;
  /** Practical effect on the median, percent. */
  minEffectPct: number;
  /** Absolute floor per metric (duration and lab vitals). */
  absoluteFloor: Record<'duration' | RumMetric, number>;
  /** Robust z (median shift over the baseline's MAD-based standard error) for one location alone. */
  localZ: number;
  /** Lower robust z each location needs when several agree (the agreement is the evidence). */
  globalZ: number;
  /** Mann-Whitney one-sided p-value a location alone must reach. */
  localRankP: number;
  /** Mann-Whitney p-value each agreeing location must reach. */
  globalRankP: number;
  /** Agreeing locations that make a regression global. */
  globalMinLocations: number;
  /**
   * One location alone regresses only on a consistent shift: the spread of its recent runs (MAD)
   * at most this many times its baseline's. A few cold-cache runs of 1.1x to 3x are not a change.
   */
  localMaxSpreadRatio: number;
  /**
   * Practical effect for one location alone, percent: a lone agent's +10% is within what its own
   * network and neighbours do for an hour now and then; agreeing locations need only minEffectPct.
   */
  localMinEffectPct: number;
  /** Failing journeys: at least k locations... */
  failureMinLocations: number;
  /** ...each with this many consecutive failed runs. */
  consecutiveFailures: number;
  /** A failing location has recovered after this many passed runs in a row (one lucky run is not a fix). */
  recoveryRuns: number;
}

/** Settings of labelling, deploy matching and the incident lifecycle. */
export interface CorrelationConfig {
  /** RUM and synthetic onsets this close make the label 'both'. */
  bothWindowMinutes: number;
  /** A one-sided label is provisional until the other side had this long to confirm it. */
  labelGraceMinutes: number;
  /** A change at most this long before the onset can be the suspected cause. */
  deployLookbackMinutes: number;
  /** Onsets are estimates: a change this long after the estimated onset still counts as before it. */
  deployToleranceMinutes: number;
  /** An open incident auto-resolves after this many ticks without a candidate. */
  resolveAfterTicks: number;
  /** An 'updated' transition needs the change to move by this many percentage points (or a new label, cause...). */
  updateMinDeltaPct: number;
}

/** Per-site detection settings. */
export interface DetectConfig {
  rum: RumConfig;
  synthetic: SyntheticConfig;
  correlation: CorrelationConfig;
}

/** Deep-partial settings as stored per site. */
export interface DetectConfigInput {
  rum?: Partial<RumConfig>;
  synthetic?: Partial<SyntheticConfig>;
  correlation?: Partial<CorrelationConfig>;
}

/** Absolute floors of the spec: LCP 100 ms, INP 25 ms, TTFB 50 ms, FCP 100 ms, CLS 0.02. */
export const RUM_ABSOLUTE_FLOOR: Record<RumMetric, number> = { lcp: 100, inp: 25, ttfb: 50, fcp: 100, cls: 0.02 };

export const DEFAULT_DETECT_CONFIG: DetectConfig = {
  rum: {
    recentWindowsMinutes: [10, 60],
    dayMinutes: 1440,
    baselineDays: 7,
    baselineWindowMinutes: 60,
    trailingBaselineMinutes: 1440,
    baselineRefreshMinutes: 15,
    segmentBaselineRefreshMinutes: 60,
    levelWindowMinutes: 180,
    levelGapMinutes: 60,
    segmentScanEveryMinutes: 5,
    minSamples: 100,
    minBaselineSamples: 300,
    minSegmentSamples: 60,
    minEffectPct: 10,
    segmentMinEffectPct: 20,
    segmentExcessZ: 5.5,
    absoluteFloor: RUM_ABSOLUTE_FLOOR,
    falseAlarmsPerWeek: 0.01,
    power: 0.8,
    persistTicks: 2,
    ongoingMinutes: 3,
    ongoingZ: 0.5,
    minDurationMinutes: 5,
    blipMinutes: 3,
    localRiseZ: 3,
    bootstrapReplicates: 100,
    dayToDaySdFloor: 0.015,
    seed: 1,
  },
  synthetic: {
    recentRuns: 6,
    recentWindowMinutes: 30,
    minRecentRuns: 4,
    baselineMinutes: 360,
    minBaselineRuns: 12,
    minEffectPct: 10,
    absoluteFloor: { duration: 100, ...RUM_ABSOLUTE_FLOOR },
    localZ: 4.5,
    globalZ: 4.5,
    localRankP: 0.001,
    globalRankP: 0.01,
    globalMinLocations: 2,
    localMaxSpreadRatio: 3,
    localMinEffectPct: 20,
    failureMinLocations: 2,
    consecutiveFailures: 2,
    recoveryRuns: 3,
  },
  correlation: {
    bothWindowMinutes: 30,
    labelGraceMinutes: 30,
    deployLookbackMinutes: 120,
    deployToleranceMinutes: 5,
    resolveAfterTicks: 10,
    updateMinDeltaPct: 5,
  },
};

/** Fills a site's partial settings with the defaults. */
export function resolveConfig(input: DetectConfigInput = {}): DetectConfig {
  const d = DEFAULT_DETECT_CONFIG;
  return {
    rum: { ...d.rum, ...input.rum, absoluteFloor: { ...d.rum.absoluteFloor, ...input.rum?.absoluteFloor } },
    synthetic: {
      ...d.synthetic,
      ...input.synthetic,
      absoluteFloor: { ...d.synthetic.absoluteFloor, ...input.synthetic?.absoluteFloor },
    },
    correlation: { ...d.correlation, ...input.correlation },
  };
}
