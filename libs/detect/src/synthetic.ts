import type { DetectConfig, SyntheticConfig } from './config';
import { runsOnset } from './onset';
import { MINUTE_MS } from './rum-data';
import { finiteOrNull, mad, mannWhitneyGreater, median, normalQuantile } from './stats';
import type { DetectStatus, SyntheticRun, TimeRange } from './types';

/** Per route x metric x location memory of the synthetic detector (plain JSON). */
export interface SyntheticLocationState {
  active: boolean;
  onsetAt?: number;
}

export interface SyntheticState {
  /** Keyed by `${route}|${metric}|${location}`. */
  locations: Record<string, SyntheticLocationState>;
  /** Routes whose journey step is failing, with the onset of the failures. */
  failing?: Record<string, { onsetAt: number }>;
}

/** Verdict of one location for one route x metric. */
export interface LocationVerdict {
  location: string;
  testable: boolean;
  nRecent: number;
  nBaseline: number;
  /** null when the location is not testable. */
  baselineMedian: number | null;
  recentMedian: number | null;
  changePct: number | null;
  /** Shift of the log median over its MAD-based standard error. */
  robustZ: number;
  /** One-sided Mann-Whitney p-value of "recent runs are slower". */
  rankP: number;
  practical: boolean;
  regressed: boolean;
  onsetAt: number | null;
  /**
   * Smallest change of the median (percent) this location's noise lets it see with the recent
   * runs it has or needs, at the configured power; never below the practical threshold. null
   * without at least 3 baseline runs.
   */
  minDetectableChangePct: number | null;
}

/** Verdict for one route x metric over all locations. */
export interface SyntheticSeriesResult {
  route: string;
  metric: SyntheticRun['metric'];
  at: number;
  status: DetectStatus;
  /** 'global' when several locations agree, 'local' when one location alone regressed. */
  scope: 'global' | 'local' | null;
  regressedLocations: string[];
  locations: LocationVerdict[];
  onsetAt: number | null;
  /** Median over the regressed locations (or all testable ones) of their change, percent (null: none testable). */
  changePct: number | null;
  /**
   * Smallest change the series could flag: the one seen by as many locations as a global verdict
   * needs, or by the only location (at least the local threshold); null when no location can tell.
   */
  minDetectableChangePct: number | null;
}

/** A journey step failing (errors, not slowness) at enough locations, enough times in a row. */
export interface JourneyFailure {
  route: string;
  at: number;
  status: 'failing' | 'ok';
  failingLocations: string[];
  totalLocations: number;
  /** Consecutive failed runs up to now, per location. */
  consecutiveFailures: Record<string, number>;
  onsetAt: number | null;
}

export interface SyntheticResult {
  series: SyntheticSeriesResult[];
  failures: JourneyFailure[];
  state: SyntheticState;
}

/** Time range of runs the server should load for the next detectSynthetic call. */
export function syntheticRange(cfg: DetectConfig, now: number, state?: SyntheticState): TimeRange {
  const sc = cfg.synthetic;
  const onsets = Object.values(state?.locations ?? {}).filter((l) => l.active && l.onsetAt !== undefined).map((l) => l.onsetAt!);
  const from = Math.min(now - (sc.recentWindowMinutes + sc.baselineMinutes) * MINUTE_MS, ...onsets.map((o) => o - sc.baselineMinutes * MINUTE_MS));
  return { fromMs: from, toMs: now + 1 };
}

/**
 * Synthetic regression and failure detector: per route x metric x location, the recent runs'
 * median against the baseline runs (practical effect, MAD-based robust z, Mann-Whitney), then
 * several locations agreeing make it global and one strong location makes it local.
 */
export function detectSynthetic(runs: SyntheticRun[], cfg: DetectConfig, now: number, state?: SyntheticState): SyntheticResult {
  const sc = cfg.synthetic;
  const groups = new Map<string, SyntheticRun[]>();
  for (const r of runs) {
    if (r.at > now) continue;
    const key = `${r.route}|${r.metric}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const nextState: SyntheticState = { locations: {} };
  const series: SyntheticSeriesResult[] = [];
  for (const list of groups.values()) {
    series.push(detectSeries(list, sc, now, state, nextState, cfg.rum.power));
  }
  const failures = detectFailures(runs, sc, now, state?.failing ?? {});
  nextState.failing = Object.fromEntries(failures.filter((f) => f.status === 'failing').map((f) => [f.route, { onsetAt: f.onsetAt ?? now }]));
  return { series, failures, state: nextState };
}

function detectSeries(list: SyntheticRun[], sc: SyntheticConfig, now: number, state: SyntheticState | undefined, next: SyntheticState, power: number): SyntheticSeriesResult {
  const { route, metric } = list[0];
  const byLocation = new Map<string, SyntheticRun[]>();
  for (const r of list) {
    const l = byLocation.get(r.location) ?? [];
    l.push(r);
    byLocation.set(r.location, l);
  }
  const verdicts: (Judged & { prev?: SyntheticLocationState })[] = [];
  for (const [location, locRuns] of [...byLocation].sort((a, b) => a[0].localeCompare(b[0]))) {
    const prev = state?.locations[`${route}|${metric}|${location}`];
    verdicts.push({ ...judgeLocation(location, locRuns, sc, now, metric, prev, power), prev });
  }
  const weak = verdicts.filter((v) => v.weak);
  const strong = verdicts.filter((v) => v.strong);
  const members = new Set(weak.length >= sc.globalMinLocations ? weak.map((v) => v.location) : strong.map((v) => v.location));
  for (const v of verdicts) {
    v.regressed = members.has(v.location) || (!!v.prev?.active && v.holds);
    if (v.regressed) {
      v.onsetAt = v.prev?.active && v.prev.onsetAt !== undefined ? v.prev.onsetAt : onsetOf(byLocation.get(v.location)!, v, now);
      next.locations[`${route}|${metric}|${v.location}`] = { active: true, onsetAt: v.onsetAt ?? undefined };
    }
  }
  const regressed = verdicts.filter((v) => v.regressed);
  const testable = verdicts.filter((v) => v.testable);
  const changes = (regressed.length ? regressed : testable).map((v) => v.changePct);
  const onsets = regressed.map((v) => v.onsetAt).filter((o): o is number => o !== null);
  return {
    route,
    metric,
    at: now,
    status: regressed.length ? 'regressed' : testable.length ? 'ok' : 'insufficient',
    scope: regressed.length === 0 ? null : regressed.length >= sc.globalMinLocations ? 'global' : 'local',
    regressedLocations: regressed.map((v) => v.location),
    locations: verdicts.map(({ strong: _s, weak: _w, holds: _h, prev: _p, baselineValues: _b, ...v }) => ({
      ...v,
      baselineMedian: finiteOrNull(v.baselineMedian),
      recentMedian: finiteOrNull(v.recentMedian),
      changePct: finiteOrNull(v.changePct),
      minDetectableChangePct: finiteOrNull(v.minDetectableChangePct),
    })),
    minDetectableChangePct: seriesMinDetectable(verdicts.map((v) => v.minDetectableChangePct), sc),
    // The median location onset: one location's noisy early estimate should not move it.
    onsetAt: onsets.length ? median(onsets) : null,
    changePct: changes.length ? median(changes) : null,
  };
}

/** The k-th smallest location reach, k = locations a global verdict needs; one location alone needs the local threshold. */
function seriesMinDetectable(perLocation: number[], sc: SyntheticConfig): number | null {
  const known = perLocation.filter(Number.isFinite).sort((a, b) => a - b);
  if (known.length === 0) return null;
  if (known.length < sc.globalMinLocations) return Math.max(known[0], sc.localMinEffectPct);
  return known[sc.globalMinLocations - 1];
}

/** Robust log-scale noise of a location's baseline: 1.4826 x MAD estimates sigma, floored so a flat baseline is not noiseless. */
function robustSigma(logB: number[], medB: number): number {
  return Math.max(1.4826 * mad(logB, medB), 0.01);
}

/** Standard error of the shift of log medians (1.2533: the median's factor over the mean's). */
const medianShiftSe = (sigma: number, nRecent: number, nBaseline: number) => 1.2533 * sigma * Math.sqrt(1 / nRecent + 1 / nBaseline);

/** Onset at one location: runs above halfway to the current level were rare in the baseline. */
function onsetOf(locRuns: SyntheticRun[], v: Judged, now: number): number | null {
  const ok = locRuns.filter((r) => r.ok && r.value !== null && r.at >= now - 180 * MINUTE_MS) as { at: number; value: number }[];
  const threshold = Math.sqrt(v.baselineMedian * v.recentMedian);
  const base = v.baselineValues;
  const p0 = Math.min(0.5, (base.filter((x) => x > threshold).length + 0.5) / (base.length + 1));
  return runsOnset(ok, threshold, p0);
}

/** How far outside its baseline's noise every recent run of a lone location must be (robust sigmas). */
const LOCAL_SIGMAS = 3;

/** A location's verdict while it is worked out: plain numbers (NaN when untestable) and the decision parts. */
interface Judged extends Omit<LocationVerdict, 'baselineMedian' | 'recentMedian' | 'changePct' | 'minDetectableChangePct'> {
  baselineMedian: number;
  recentMedian: number;
  changePct: number;
  minDetectableChangePct: number;
  strong: boolean;
  weak: boolean;
  holds: boolean;
  baselineValues: number[];
}

function judgeLocation(
  location: string,
  locRuns: SyntheticRun[],
  sc: SyntheticConfig,
  now: number,
  metric: SyntheticRun['metric'],
  prev: SyntheticLocationState | undefined,
  power: number,
): Judged {
  const ok = locRuns.filter((r) => r.ok && r.value !== null && r.value >= 0).sort((a, b) => a.at - b.at);
  const recent = ok.filter((r) => r.at > now - sc.recentWindowMinutes * MINUTE_MS).slice(-sc.recentRuns);
  const recentStart = recent.length ? recent[0].at : now;
  // While a regression is open the baseline stays before its onset, so it is not absorbed.
  const baselineEnd = prev?.active && prev.onsetAt !== undefined ? Math.min(prev.onsetAt, recentStart) : recentStart;
  const baseline = ok.filter((r) => r.at < baselineEnd && r.at >= baselineEnd - sc.baselineMinutes * MINUTE_MS);
  const verdict = {
    location,
    testable: recent.length >= sc.minRecentRuns && baseline.length >= sc.minBaselineRuns,
    nRecent: recent.length,
    nBaseline: baseline.length,
    baselineMedian: NaN,
    recentMedian: NaN,
    changePct: NaN,
    robustZ: 0,
    rankP: 1,
    practical: false,
    regressed: false,
    onsetAt: null as number | null,
    minDetectableChangePct: NaN,
    strong: false,
    weak: false,
    holds: false,
    baselineValues: baseline.map((r) => r.value!),
  };
  // Log scale: timings are skewed and slow-downs multiplicative; +1 keeps zeros finite.
  const logB = baseline.map((r) => Math.log(r.value! + 1));
  if (logB.length < 3) return verdict;
  const medB = median(logB);
  const sigma = robustSigma(logB, medB);
  // What the global test could see with the recent runs it has, or will have once it has enough.
  const nPlanned = Math.min(sc.recentRuns, Math.max(recent.length, sc.minRecentRuns));
  const reach = (sc.globalZ + normalQuantile(power)) * medianShiftSe(sigma, nPlanned, logB.length);
  const base = Math.exp(medB) - 1;
  verdict.minDetectableChangePct = Math.max((Math.exp(reach) - 1) * 100, sc.minEffectPct, base > 0 ? (sc.absoluteFloor[metric] / base) * 100 : 0);
  if (!verdict.testable) return verdict;
  const logR = recent.map((r) => Math.log(r.value! + 1));
  const medR = median(logR);
  const se = medianShiftSe(sigma, recent.length, baseline.length);
  verdict.baselineMedian = Math.exp(medB) - 1;
  verdict.recentMedian = Math.exp(medR) - 1;
  verdict.changePct = (Math.exp(medR - medB) - 1) * 100;
  verdict.robustZ = (medR - medB) / se;
  verdict.rankP = mannWhitneyGreater(logR, logB);
  verdict.practical =
    verdict.recentMedian >= verdict.baselineMedian * (1 + sc.minEffectPct / 100) &&
    verdict.recentMedian - verdict.baselineMedian >= sc.absoluteFloor[metric];
  // One location alone must be slower by the threshold in every recent run: a median can be
  // carried by a few independent slow runs (cold caches), a real change moves every run. And
  // beyond its own noise (LOCAL_SIGMAS): five runs in a row at +1.6 sigma happen every few weeks.
  const allSlow = Math.min(...logR) >= medB + Math.max(Math.log(1 + sc.minEffectPct / 100), LOCAL_SIGMAS * sigma);
  // ...and by a similar amount: slow runs of 1.1x, 2x and 3x are noise on the agent, not a shift.
  const consistent = 1.4826 * mad(logR, medR) <= sc.localMaxSpreadRatio * sigma;
  const localPractical = verdict.practical && verdict.changePct >= sc.localMinEffectPct;
  verdict.strong = localPractical && allSlow && consistent && verdict.robustZ >= sc.localZ && verdict.rankP <= sc.localRankP;
  verdict.weak = verdict.practical && verdict.robustZ >= sc.globalZ && verdict.rankP <= sc.globalRankP;
  verdict.holds = verdict.changePct >= sc.minEffectPct / 2 && verdict.robustZ >= 2;
  return verdict;
}

/**
 * k-of-N locations with at least `consecutiveFailures` failed runs in a row, per route. Once
 * failing, a route stays failing until fewer than k locations had a failure in their last
 * `recoveryRuns` runs, so lucky runs between failures do not resolve (and reopen) the incident.
 */
function detectFailures(runs: SyntheticRun[], sc: SyntheticConfig, now: number, failing: Record<string, { onsetAt: number }>): JourneyFailure[] {
  // A run fails a step when any of its rows for that step is not ok.
  const byRoute = new Map<string, Map<string, Map<string, { at: number; ok: boolean }>>>();
  for (const r of runs) {
    if (r.at > now) continue;
    const locs = byRoute.get(r.route) ?? new Map<string, Map<string, { at: number; ok: boolean }>>();
    byRoute.set(r.route, locs);
    const runsOf = locs.get(r.location) ?? new Map<string, { at: number; ok: boolean }>();
    locs.set(r.location, runsOf);
    const existing = runsOf.get(r.runId);
    runsOf.set(r.runId, { at: Math.max(existing?.at ?? r.at, r.at), ok: (existing?.ok ?? true) && r.ok });
  }
  const out: JourneyFailure[] = [];
  for (const [route, locs] of [...byRoute].sort((a, b) => a[0].localeCompare(b[0]))) {
    const consecutive: Record<string, number> = {};
    const streakStart: Record<string, number> = {};
    const stillFailing: string[] = [];
    for (const [location, runsOf] of locs) {
      const sorted = [...runsOf.values()].sort((a, b) => b.at - a.at);
      let n = 0;
      while (n < sorted.length && !sorted[n].ok) n++;
      consecutive[location] = n;
      if (n > 0) streakStart[location] = sorted[n - 1].at;
      // Recovered only after recoveryRuns passes in a row.
      if (sorted.slice(0, Math.max(sc.consecutiveFailures, sc.recoveryRuns)).some((r) => !r.ok)) stillFailing.push(location);
    }
    const total = locs.size;
    const needed = Math.max(1, Math.min(sc.failureMinLocations, total));
    const wasFailing = failing[route];
    const locations = (wasFailing ? stillFailing : Object.keys(consecutive).filter((l) => consecutive[l] >= sc.consecutiveFailures)).sort();
    const isFailing = locations.length >= needed;
    out.push({
      route,
      at: now,
      status: isFailing ? 'failing' : 'ok',
      failingLocations: locations,
      totalLocations: total,
      consecutiveFailures: consecutive,
      onsetAt: !isFailing ? null : wasFailing ? wasFailing.onsetAt : Math.min(...locations.map((l) => streakStart[l])),
    });
  }
  return out;
}
