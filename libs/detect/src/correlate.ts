import type { DetectConfig } from './config';
import type { SegmentAttribution } from './rum-attribution';
import type { RumEvidence, RumResult } from './rum-detect';
import { MINUTE_MS } from './rum-data';
import type { JourneyFailure, LocationVerdict, SyntheticResult, SyntheticSeriesResult } from './synthetic';
import type { ChangeKind, Deployment, IncidentLabel, SyntheticOnlyReason } from './types';

/** The change named as the probable cause of an incident. */
export interface SuspectedChange {
  id: string;
  version: string;
  kind: ChangeKind;
  at: number;
  description?: string;
  /** Minutes from the change to the onset (negative when the change came just after the estimate). */
  minutesBeforeOnset: number;
}

export type IncidentKind = 'regression' | 'failure';

/** What one tick says should be open for one route x metric x kind. */
export interface IncidentCandidate {
  /** `${route}|${metric}|${kind}`: at most one open incident per key. */
  key: string;
  route: string;
  /** A vital or 'duration'; 'errors' for failing journeys. */
  metric: string;
  kind: IncidentKind;
  label: IncidentLabel;
  /** Why only the lab sees it (synthetic_only regressions). */
  reason: SyntheticOnlyReason | null;
  /** A one-sided label the other side has not had time to confirm or rule out yet. */
  provisional: boolean;
  onsetAt: number;
  detectedAt: number;
  /** The change in percent (null for failures). */
  changePct: number | null;
  suspectedChange: SuspectedChange | null;
  rum: { evidence: RumEvidence; scope: RumResult['scope']; segments: SegmentAttribution[] } | null;
  synthetic: { scope: SyntheticSeriesResult['scope']; locations: string[]; changePct: number | null; perLocation: LocationVerdict[] } | null;
  failure: JourneyFailure | null;
  /** One line for feeds and Slack. */
  summary: string;
}

/** Key of the one open incident per route x metric x kind. */
export function incidentKey(route: string, metric: string, kind: IncidentKind): string {
  return `${route}|${metric}|${kind}`;
}

/**
 * The change just before the onset within the lookback (the latest one), or null. When real users
 * on one release carry the regression, the deployment of that version wins outright.
 */
export function suspectChange(deployments: Deployment[], onsetAt: number, cfg: DetectConfig, release?: string): SuspectedChange | null {
  const cc = cfg.correlation;
  const latest = onsetAt + cc.deployToleranceMinutes * MINUTE_MS;
  const earliest = onsetAt - cc.deployLookbackMinutes * MINUTE_MS;
  let best: Deployment | null = null;
  const tagged = release === undefined ? [] : deployments.filter((d) => d.version === release && d.at >= earliest && d.at <= latest);
  for (const d of tagged.length ? tagged : deployments) {
    if (d.at > latest || d.at < earliest) continue;
    // Prefer deployments over config changes over others at equal times: they change the most.
    const rank = (x: Deployment) => (x.kind === 'deployment' ? 2 : x.kind === 'config' ? 1 : 0);
    if (!best || d.at > best.at || (d.at === best.at && rank(d) > rank(best))) best = d;
  }
  if (!best) return null;
  return {
    id: best.id,
    version: best.version,
    kind: best.kind,
    at: best.at,
    ...(best.description !== undefined ? { description: best.description } : {}),
    minutesBeforeOnset: Math.round((onsetAt - best.at) / MINUTE_MS),
  };
}

/**
 * Joins RUM and synthetic verdicts by route and metric into incident candidates: 'both' when both
 * regressed with onsets close together, else 'rum_only' or 'synthetic_only' (with the reason),
 * plus failing journeys; each names the change just before its onset.
 */
export function correlate(
  rumResults: RumResult[],
  synthResults: SyntheticResult | SyntheticSeriesResult[],
  deployments: Deployment[],
  cfg: DetectConfig,
): IncidentCandidate[] {
  const cc = cfg.correlation;
  const synthSeries = Array.isArray(synthResults) ? synthResults : synthResults.series;
  const failures = Array.isArray(synthResults) ? [] : synthResults.failures;
  const rumBy = new Map(rumResults.map((r) => [`${r.route}|${r.metric}`, r]));
  const synthBy = new Map(synthSeries.map((s) => [`${s.route}|${s.metric}`, s]));
  const keys = [...new Set([...rumBy.keys(), ...synthBy.keys()])].sort();
  const out: IncidentCandidate[] = [];
  const grace = cc.labelGraceMinutes * MINUTE_MS;
  for (const key of keys) {
    const r = rumBy.get(key);
    const s = synthBy.get(key);
    const rumUp = r?.status === 'regressed';
    const synthUp = s?.status === 'regressed';
    if (!rumUp && !synthUp) continue;
    const now = Math.max(r?.at ?? 0, s?.at ?? 0);
    const rumOnset = rumUp ? (r.onsetAt ?? r.at) : Infinity;
    const synthOnset = synthUp ? (s.onsetAt ?? s.at) : Infinity;
    let label: IncidentLabel;
    let reason: SyntheticOnlyReason | null = null;
    let provisional = false;
    if (rumUp && synthUp && Math.abs(rumOnset - synthOnset) <= cc.bothWindowMinutes * MINUTE_MS) label = 'both';
    else if (rumUp && (!synthUp || rumOnset <= synthOnset)) {
      label = 'rum_only';
      provisional = !!s && s.status !== 'insufficient' && now - rumOnset < grace;
    } else {
      label = 'synthetic_only';
      const mdc = r?.evidence.minDetectableChangePct ?? Infinity;
      if (s!.scope === 'local') reason = 'single_location';
      else if (!r || r.status === 'insufficient' || mdc > (s!.changePct ?? 0)) reason = 'thin_real_traffic';
      else reason = 'scripted_path_only';
      provisional = reason !== 'thin_real_traffic' && !!r && now - synthOnset < grace;
    }
    // Real users give a minute-level onset; the lab's is only as fine as its run interval.
    const onsetAt = rumUp ? rumOnset : synthOnset;
    const [route, metric] = [(r ?? s)!.route, (r ?? s)!.metric];
    const candidate: IncidentCandidate = {
      key: incidentKey(route, metric, 'regression'),
      route,
      metric,
      kind: 'regression',
      label,
      reason,
      provisional,
      onsetAt,
      detectedAt: now,
      changePct: rumUp ? r.evidence.changePct : s!.changePct,
      suspectedChange: suspectChange(deployments, onsetAt, cfg, rumUp ? carriedRelease(r) : undefined),
      rum: rumUp ? { evidence: r.evidence, scope: r.scope, segments: r.segments.slice(0, 5) } : null,
      synthetic: synthUp ? { scope: s.scope, locations: s.regressedLocations, changePct: s.changePct, perLocation: s.locations } : null,
      failure: null,
      summary: '',
    };
    candidate.summary = summarize(candidate);
    out.push(candidate);
  }
  for (const f of failures) {
    if (f.status !== 'failing') continue;
    const onsetAt = f.onsetAt ?? f.at;
    const candidate: IncidentCandidate = {
      key: incidentKey(f.route, 'errors', 'failure'),
      route: f.route,
      metric: 'errors',
      kind: 'failure',
      label: 'failing',
      reason: null,
      provisional: false,
      onsetAt,
      detectedAt: f.at,
      changePct: null,
      suspectedChange: suspectChange(deployments, onsetAt, cfg),
      rum: null,
      synthetic: null,
      failure: f,
      summary: '',
    };
    candidate.summary = summarize(candidate);
    out.push(candidate);
  }
  return out;
}

/** The release whose users carry a real-user regression, if one does. */
function carriedRelease(r: RumResult): string | undefined {
  return r.segments.find((s) => s.carries && s.dim === 'release')?.value;
}

const LABEL_TEXT: Record<IncidentLabel, string> = { both: 'real users and synthetic', rum_only: 'real users only', synthetic_only: 'synthetic only', failing: 'failing' };
const REASON_TEXT: Record<SyntheticOnlyReason, string> = {
  thin_real_traffic: 'real traffic too thin to tell',
  single_location: 'one location only',
  scripted_path_only: 'scripted path only',
};

function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** "LCP p75 on /product/:id +38% since 14:05 UTC, real users only, carried by country=BR; suspected deployment v2.3.1" */
export function summarize(c: IncidentCandidate): string {
  const parts: string[] = [];
  if (c.kind === 'failure') {
    const f = c.failure!;
    parts.push(`Journey step ${c.route} failing at ${f.failingLocations.join(', ')} (${f.failingLocations.length} of ${f.totalLocations} locations) since ${hhmm(c.onsetAt)} UTC`);
  } else {
    const what = c.metric === 'duration' ? 'Step duration' : c.rum ? `${c.metric.toUpperCase()} p75` : `${c.metric.toUpperCase()} median`;
    const change = c.changePct === null ? '' : ` ${c.changePct >= 0 ? '+' : ''}${Math.round(c.changePct)}%`;
    parts.push(`${what} on ${c.route}${change} since ${hhmm(c.onsetAt)} UTC, ${LABEL_TEXT[c.label]}`);
    if (c.reason) parts.push(REASON_TEXT[c.reason] + (c.reason === 'single_location' ? ` (${c.synthetic?.locations.join(', ')})` : ''));
    const carriers = c.rum?.segments.filter((s) => s.carries).slice(0, 2) ?? [];
    if (carriers.length) parts.push(`carried by ${carriers.map((s) => `${s.dim}=${s.value}`).join(' and ')}`);
  }
  let text = parts.join(', ');
  if (c.suspectedChange) text += `; suspected ${c.suspectedChange.kind === 'config' ? 'config change' : c.suspectedChange.kind} ${c.suspectedChange.version}`;
  return text;
}
