import { DEFAULT_DETECT_CONFIG, DetectConfig } from './config';
import { IncidentCandidate, summarize } from './correlate';
import { MINUTE_MS } from './rum-data';

/** An incident as the lifecycle sees it; the server adds its id, site and acknowledgement. */
export interface IncidentState extends IncidentCandidate {
  status: 'open' | 'resolved';
  openedAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  /** Resolved by the detector because the metric recovered (not by a person). */
  autoResolved: boolean;
  /** Ticks in a row without a candidate. */
  missedTicks: number;
  /** changePct when subscribers were last told (opened or updated). */
  notifiedChangePct: number | null;
  /** Worst change seen while open. */
  peakChangePct: number | null;
}

export type IncidentTransition = 'opened' | 'updated' | 'resolved' | 'none';

export interface IncidentStep {
  /** The incident after this tick (null when none was open and none opens). */
  incident: IncidentState | null;
  /** What to announce: opened, updated (something material changed), resolved, or nothing. */
  transition: IncidentTransition;
}

/**
 * Lifecycle of one incident key per tick. Opens on a candidate; absorbs later candidates of the
 * same key (a one-sided label is upgraded to 'both', never downgraded); auto-resolves after
 * resolveAfterTicks ticks without a candidate. Match `open` by candidate.key.
 */
export function nextIncidentState(
  open: IncidentState | null | undefined,
  candidate: IncidentCandidate | null | undefined,
  now: number,
  cfg: DetectConfig = DEFAULT_DETECT_CONFIG,
): IncidentStep {
  const cc = cfg.correlation;
  const current = open && open.status === 'open' ? open : null;
  if (!current) {
    if (!candidate) return { incident: null, transition: 'none' };
    return {
      incident: {
        ...candidate,
        status: 'open',
        openedAt: now,
        updatedAt: now,
        resolvedAt: null,
        autoResolved: false,
        missedTicks: 0,
        notifiedChangePct: candidate.changePct,
        peakChangePct: candidate.changePct,
      },
      transition: 'opened',
    };
  }
  if (!candidate) {
    const missedTicks = current.missedTicks + 1;
    if (missedTicks >= cc.resolveAfterTicks) {
      return { incident: { ...current, missedTicks, status: 'resolved', resolvedAt: now, autoResolved: true, updatedAt: now }, transition: 'resolved' };
    }
    return { incident: { ...current, missedTicks }, transition: 'none' };
  }

  const label = mergedLabel(current, candidate, cc.bothWindowMinutes * MINUTE_MS);
  // A real-user onset is the better estimate; without one the first estimate stays.
  const onsetAt = candidate.rum ? candidate.onsetAt : current.onsetAt;
  const next: IncidentState = {
    ...current,
    ...candidate,
    label,
    reason: label === 'synthetic_only' ? candidate.reason : null,
    provisional: label === 'both' ? false : candidate.provisional,
    onsetAt,
    suspectedChange: onsetAt === candidate.onsetAt ? candidate.suspectedChange : current.suspectedChange,
    // Keep the side that is no longer regressing: the incident remembers what was seen.
    rum: candidate.rum ?? current.rum,
    synthetic: candidate.synthetic ?? current.synthetic,
    status: 'open',
    openedAt: current.openedAt,
    resolvedAt: null,
    autoResolved: false,
    missedTicks: 0,
    updatedAt: now,
    peakChangePct: maxOrNull(current.peakChangePct, candidate.changePct),
    notifiedChangePct: current.notifiedChangePct,
  };
  next.summary = summarize(next);
  const material =
    next.label !== current.label ||
    next.reason !== current.reason ||
    next.provisional !== current.provisional ||
    next.suspectedChange?.id !== current.suspectedChange?.id ||
    (next.synthetic?.locations ?? []).join() !== (current.synthetic?.locations ?? []).join() ||
    topCarrier(next) !== topCarrier(current) ||
    Math.abs((next.changePct ?? 0) - (current.notifiedChangePct ?? 0)) >= cc.updateMinDeltaPct;
  if (material) next.notifiedChangePct = next.changePct;
  return { incident: next, transition: material ? 'updated' : 'none' };
}

function maxOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function topCarrier(i: IncidentCandidate): string {
  const s = i.rum?.segments.find((x) => x.carries);
  return s ? `${s.dim}=${s.value}` : '';
}

function mergedLabel(current: IncidentState, candidate: IncidentCandidate, bothWindowMs: number): IncidentCandidate['label'] {
  if (current.label === 'both' || candidate.label === 'both') return 'both';
  if (current.label === candidate.label) return current.label;
  // The other side now sees it too: both, if the onsets are close enough to be one change.
  return Math.abs(candidate.onsetAt - current.onsetAt) <= bothWindowMs ? 'both' : current.label;
}
