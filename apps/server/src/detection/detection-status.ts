// The detectors' verdict per series, kept compact for storage and told in plain words for the API: too little
// traffic reads as "not enough data" with the shortfall and the smallest change it could have seen, not as silence.
import type { RumConfig, RumResult, SyntheticConfig, SyntheticSeriesResult } from '@parallax/detect';
import type { DetectionStatus, DetectionVerdict, RumDetectionEvidence, SyntheticDetectionEvidence, SyntheticLocationEvidence } from '@parallax/contracts';

/** Locations named one by one in a synthetic message before the rest are counted. */
const MAX_NAMED_LOCATIONS = 3;

/** A finite number rounded to `digits` decimals, else null (the stored evidence stays small and JSON-safe). */
function round(value: number | null | undefined, digits: number): number | null {
  if (value == null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The stored verdict of one real-user series at one tick; `cfg` gives the sample sizes it needed. */
export function rumVerdict(result: RumResult, cfg: Pick<RumConfig, 'minSamples' | 'minBaselineSamples'>): DetectionVerdict {
  const e = result.evidence;
  const evidence: RumDetectionEvidence = {
    nCurrent: e.nCurrent,
    minCurrent: cfg.minSamples,
    nBaseline: e.nBaseline,
    minBaseline: cfg.minBaselineSamples,
    windowMinutes: e.windowMinutes,
    baselineMode: e.baselineMode,
    // Three decimals keep CLS exact enough; milliseconds do not need more.
    baselineP75: round(e.baselineP75, 3),
    currentP75: round(e.currentP75, 3),
    changePct: round(e.changePct, 1),
    ciLow: round(e.ciLow, 1),
    ciHigh: round(e.ciHigh, 1),
    shiftPct: round(e.shiftPct, 1),
    minDetectableChangePct: round(e.minDetectableChangePct, 1),
  };
  return { source: 'rum', route: result.route, metric: result.metric, status: result.status, evidence };
}

/** The stored verdict of one synthetic series (route x metric over its locations) at one tick. */
export function syntheticVerdict(
  series: SyntheticSeriesResult,
  cfg: Pick<SyntheticConfig, 'minRecentRuns' | 'minBaselineRuns' | 'recentWindowMinutes' | 'baselineMinutes'>,
): DetectionVerdict {
  const locations: SyntheticLocationEvidence[] = series.locations.map((l) => ({
    location: l.location,
    status: l.regressed ? 'regressed' : l.testable ? 'ok' : 'insufficient',
    nRecent: l.nRecent,
    nBaseline: l.nBaseline,
    changePct: round(l.changePct, 1),
    minDetectableChangePct: round(l.minDetectableChangePct, 1),
  }));
  const evidence: SyntheticDetectionEvidence = {
    changePct: round(series.changePct, 1),
    minRecentRuns: cfg.minRecentRuns,
    minBaselineRuns: cfg.minBaselineRuns,
    recentWindowMinutes: cfg.recentWindowMinutes,
    baselineMinutes: cfg.baselineMinutes,
    locations,
    minDetectableChangePct: round(series.minDetectableChangePct, 1),
  };
  return { source: 'synthetic', route: series.route, metric: series.metric, status: series.status, evidence };
}

/** A percentage without sign: "23%", "4.5%". */
export function formatPct(pct: number): string {
  const abs = Math.abs(pct);
  return `${abs >= 10 ? Math.round(pct) : Number(pct.toFixed(1))}%`;
}

/** A signed percentage: "+25%", "-3.2%", "0%". */
export function formatSignedPct(pct: number): string {
  const text = formatPct(pct);
  return pct > 0 && text !== '0%' ? `+${text}` : text;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** One line for a site: counts by status, or what to do when nothing has been judged yet (silence is not "all fine"). */
export function coverageSummary(series: { status: DetectionStatus }[], siteId: string): string {
  if (series.length === 0) {
    return `nothing judged yet: no real-user beacons or synthetic runs have reached the detector; add the tag (GET /api/sites/${siteId}/snippet) or a journey`;
  }
  const count = (s: DetectionStatus) => series.filter((x) => x.status === s).length;
  const parts = [
    count('regressed') ? `${count('regressed')} regressed` : '',
    count('ok') ? `${count('ok')} watching` : '',
    count('insufficient') ? `${count('insufficient')} with not enough data` : '',
  ].filter(Boolean);
  return `${plural(series.length, 'series', 'series')}: ${parts.join(', ')}`;
}

/** The verdict in plain words, e.g. "not enough data: 37 beacons in the last 60 min (needs 100); could detect a change of 23% or more". */
export function detectionMessage(verdict: DetectionVerdict): string {
  return verdict.source === 'rum' ? rumMessage(verdict.status, verdict.evidence) : syntheticMessage(verdict.status, verdict.evidence);
}

function rumMessage(status: DetectionStatus, e: RumDetectionEvidence): string {
  const mdc = e.minDetectableChangePct;
  if (status === 'regressed') {
    if (e.changePct === null) return 'regressed';
    const ci = e.ciLow !== null && e.ciHigh !== null ? ` (CI ${formatPct(e.ciLow)}..${formatPct(e.ciHigh)})` : '';
    // The interval is of the typical page view's shift when the verdict rests on it.
    if (e.shiftPct != null) return `regressed: p75 ${formatSignedPct(e.changePct)}, typical page view ${formatSignedPct(e.shiftPct)}${ci}`;
    return `regressed: ${formatSignedPct(e.changePct)}${ci}`;
  }
  if (status === 'ok') return mdc !== null ? `watching: would detect a change of ${formatPct(mdc)} or more` : 'watching';
  const shortfalls: string[] = [];
  if (e.nCurrent < e.minCurrent) shortfalls.push(`${plural(e.nCurrent, 'beacon')} in the last ${e.windowMinutes} min (needs ${e.minCurrent})`);
  if (e.baselineMode === 'none') shortfalls.push(`no baseline yet (needs ${e.minBaseline} earlier beacons)`);
  else if (e.nBaseline < e.minBaseline) shortfalls.push(`a baseline of ${plural(e.nBaseline, 'beacon')} (needs ${e.minBaseline})`);
  const why = shortfalls.length ? shortfalls.join(' and ') : 'too few beacons to judge';
  const reach = mdc !== null ? `could detect a change of ${formatPct(mdc)} or more` : 'the smallest detectable change is known once there is a baseline';
  return `not enough data: ${why}; ${reach}`;
}

function syntheticMessage(status: DetectionStatus, e: SyntheticDetectionEvidence): string {
  const named = (list: SyntheticLocationEvidence[], text: (l: SyntheticLocationEvidence) => string, sep: string) => {
    const shown = list.slice(0, MAX_NAMED_LOCATIONS).map(text);
    const rest = list.length - shown.length;
    return shown.join(sep) + (rest > 0 ? `${sep}${plural(rest, 'more location')}` : '');
  };
  const insufficient = e.locations.filter((l) => l.status === 'insufficient');
  const thin = insufficient.length ? `; not enough runs at ${named(insufficient, (l) => l.location, ', ')}` : '';
  if (status === 'regressed') {
    const where = named(e.locations.filter((l) => l.status === 'regressed'), (l) => l.location, ', ');
    return `regressed: ${e.changePct !== null ? `${formatSignedPct(e.changePct)} ` : ''}at ${where}`;
  }
  const mdc = e.minDetectableChangePct ?? null;
  if (status === 'ok') {
    const where = named(e.locations.filter((l) => l.status !== 'insufficient'), (l) => l.location, ', ');
    const reach = mdc !== null ? `; would detect a change of ${formatPct(mdc)} or more` : '';
    return `watching at ${where}${e.changePct !== null ? `: median change ${formatSignedPct(e.changePct)}` : ''}${reach}${thin}`;
  }
  if (!e.locations.length) return 'not enough data: no runs';
  const shortfall = (l: SyntheticLocationEvidence) => {
    const parts: string[] = [];
    if (l.nRecent < e.minRecentRuns) parts.push(`${plural(l.nRecent, 'run')} in the last ${e.recentWindowMinutes} min (needs ${e.minRecentRuns})`);
    if (l.nBaseline < e.minBaselineRuns) parts.push(`${plural(l.nBaseline, 'baseline run')} (needs ${e.minBaselineRuns})`);
    return `${l.location} has ${parts.length ? parts.join(' and ') : 'too few runs to judge'}`;
  };
  const reach = mdc !== null ? `; once it has them, could detect a change of ${formatPct(mdc)} or more` : '';
  return `not enough data: ${named(insufficient, shortfall, '; ')}${reach}`;
}
