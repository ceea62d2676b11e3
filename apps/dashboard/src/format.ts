// Pure text formatting for the dashboard: metric values, percentages, times and the incident sentence.
// No DOM and no clock: `nowMs` and the time zone are passed in, so specs pin them.
import type { DeploymentKind, IncidentView as Incident, IncidentLabel, IncidentSegment } from '@parallax/contracts/dashboard-views';

const MINUS = '\u2212';

/** Short badge text per incident label. */
export const LABEL_BADGE: Record<IncidentLabel, string> = {
  both: 'Both',
  rum_only: 'Real users only',
  synthetic_only: 'Synthetic only',
  failing: 'Failing journey',
};

/** The label as it reads inside the incident sentence. */
const LABEL_PHRASE: Record<Exclude<IncidentLabel, 'failing'>, string> = {
  both: 'real users and synthetic',
  rum_only: 'real users only',
  synthetic_only: 'synthetic only',
};

/** "LCP", "INP", ...; the synthetic step metric reads "Step duration". */
export function metricLabel(metric: string): string {
  return metric === 'duration' ? 'Step duration' : metric.toUpperCase();
}

/** A metric value with its unit: CLS is unitless, the others are milliseconds ("850 ms", "2.10 s"). */
export function formatMetricValue(metric: string, value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '\u2013';
  if (metric === 'cls') return value < 0.01 && value > 0 ? value.toFixed(3) : value.toFixed(2);
  return formatDurationMs(value);
}

/** A duration: "850 ms", "2.10 s", "12.3 s", "2 min 5 s". */
export function formatDurationMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '\u2013';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  return `${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s`;
}

/** A signed percentage, one decimal below 10%: "+38%", "+4.5%", "−12%". */
export function formatSignedPct(pct: number | null | undefined): string {
  if (pct == null || !Number.isFinite(pct)) return '\u2013';
  const abs = Math.abs(pct);
  const digits = abs < 10 && abs !== Math.round(abs) ? abs.toFixed(1) : Math.round(abs).toString();
  if (digits === '0' || digits === '0.0') return '0%';
  return `${pct < 0 ? MINUS : '+'}${digits}%`;
}

/** A count with thousands separators: "12,345". */
export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '\u2013';
  return Math.round(n).toLocaleString('en-US');
}

function dayKey(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** "14:05" on the same day as `nowMs`, "Mon 14:05" within the last week, else "24 Nov 14:05". */
export function formatClock(ms: number, nowMs: number, timeZone?: string): string {
  const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
  if (dayKey(ms, timeZone) === dayKey(nowMs, timeZone)) return hhmm;
  if (Math.abs(nowMs - ms) < 6 * 86_400_000) {
    return `${new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short' }).format(ms)} ${hhmm}`;
  }
  return `${new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' }).format(ms)} ${hhmm}`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago" (future times read as "just now"). */
export function relativeTime(ms: number, nowMs: number): string {
  const seconds = Math.round((nowMs - ms) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** How a change kind reads after "suspected": the release, a config change, another change. */
export function deploymentKindWord(kind: DeploymentKind | string): string {
  if (kind === 'deployment') return 'release';
  if (kind === 'config') return 'config change';
  return 'change';
}

/** Segments that carry the regression, strongest first as the server ranked them (at most `max`). */
export function carrierSegments(segments: IncidentSegment[] | null | undefined, max = 2): IncidentSegment[] {
  return (segments ?? []).filter((s) => s.carries !== false).slice(0, max);
}

/**
 * The incident in plain words, e.g. "LCP p75 on /product/:id +38% since 14:05, real users only, carried by
 * country=BR and connection=3g; suspected release v2.3.1".
 */
export function incidentSentence(incident: Incident, nowMs: number, timeZone?: string): string {
  const since = formatClock(Date.parse(incident.onsetAt ?? incident.openedAt), nowMs, timeZone);
  const locations = incident.locations ?? [];
  const parts: string[] = [];
  if (incident.label === 'failing') {
    parts.push(`Journey step ${incident.route} failing since ${since}` + (locations.length ? ` at ${locations.join(', ')}` : ''));
  } else {
    const change = incident.evidence?.changePct;
    const pct = change != null && Number.isFinite(change) ? ` ${formatSignedPct(change)}` : '';
    parts.push(`${metricLabel(incident.metric)} p75 on ${incident.route}${pct} since ${since}`);
    parts.push(LABEL_PHRASE[incident.label] ?? incident.label);
    const carriers = carrierSegments(incident.segments);
    if (carriers.length) parts.push(`carried by ${carriers.map((s) => `${s.dim}=${s.value}`).join(' and ')}`);
    // Where the lab saw it matters when real users did not.
    if (incident.label === 'synthetic_only' && locations.length) parts.push(`at ${locations.join(', ')}`);
  }
  let text = parts.join(', ');
  const suspect = incident.suspectedDeployment;
  if (suspect) text += `; suspected ${deploymentKindWord(suspect.kind)} ${suspect.version}`;
  return text;
}

/** The evidence as short facts: values before and after, the change with its interval, the sample sizes. */
export function evidenceFacts(incident: Incident): string[] {
  const e = incident.evidence;
  if (!e) return [];
  const facts: string[] = [];
  if (e.baselineP75 != null || e.currentP75 != null) {
    facts.push(`p75 ${formatMetricValue(incident.metric, e.baselineP75)} \u2192 ${formatMetricValue(incident.metric, e.currentP75)}`);
  }
  if (e.changePct != null && Number.isFinite(e.changePct)) {
    let change = formatSignedPct(e.changePct);
    // Detector intervals are wide (99.9999%): round without claiming 100%.
    const level = e.ciLevelPct ? `${Number(Math.min(e.ciLevelPct, 99.99999).toPrecision(e.ciLevelPct >= 99.5 ? 7 : 2))}% CI` : 'CI';
    const interval = e.ciLow != null && e.ciHigh != null ? ` (${level} ${formatSignedPct(e.ciLow)} to ${formatSignedPct(e.ciHigh)})` : '';
    // The interval belongs to the statistic the verdict rests on: say which.
    if (e.ciOf === 'shift' && e.shiftPct != null) facts.push(change, `typical page view ${formatSignedPct(e.shiftPct)}${interval}`);
    else facts.push(change + interval);
  }
  if (e.nBaseline != null || e.nCurrent != null) facts.push(`n ${formatCount(e.nBaseline)} \u2192 ${formatCount(e.nCurrent)}`);
  return facts;
}

/** A segment chip: "country=BR +62% · 41% of traffic". */
export function segmentText(segment: IncidentSegment): string {
  let text = `${segment.dim}=${segment.value}`;
  if (segment.changePct != null && Number.isFinite(segment.changePct)) text += ` ${formatSignedPct(segment.changePct)}`;
  if (segment.share != null && Number.isFinite(segment.share)) {
    // The server sends a 0..1 fraction; tolerate a percentage too.
    const pct = segment.share <= 1 ? segment.share * 100 : segment.share;
    text += ` \u00b7 ${Math.round(pct)}% of traffic`;
  }
  return text;
}

/** An axis label: "500 ms", "1.5 s", "0.05" (CLS); shorter than formatMetricValue. */
export function formatAxisValue(metric: string, value: number): string {
  if (metric === 'cls') return Number(value.toFixed(3)).toString();
  if (value === 0) return '0';
  if (Math.abs(value) >= 1000) return `${Number((value / 1000).toFixed(2))} s`;
  return `${Number(value.toFixed(1))} ms`;
}

/** A compact count: "950", "1.2k", "34k", "1.5M". */
export function formatCompactCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  if (abs < 10_000) return `${Number((n / 1000).toFixed(1))}k`;
  if (abs < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${Number((n / 1_000_000).toFixed(1))}M`;
}

/** The curl command CI runs after a deployment. */
export function deploymentCurl(origin: string, siteId: string): string {
  return [
    `curl -X POST ${origin}/api/deployments \\`,
    `  -H "Authorization: Bearer $TOKEN" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '{"siteId":"${siteId}","version":"v2.3.1","kind":"deployment"}'`,
  ].join('\n');
}

/** The label explained in one sentence, for the incident page. */
export const LABEL_EXPLAINED: Record<IncidentLabel, string> = {
  rum_only:
    'Real users got slower while the synthetic journeys did not: the cause is likely specific to some visitors (a browser, device, country or network), not to the site as a whole.',
  synthetic_only:
    'The synthetic journeys got slower while real users did not: likely a problem near one test location (its network or CDN edge), or one that the lab sees before users do.',
  both: 'Real users and the synthetic journeys got slower together: the site itself changed, most often through a deployment.',
  failing: 'A synthetic journey fails: one of its steps could not complete, so users taking the same path may be blocked.',
};

/** Titles of the segment dimensions. */
export const DIM_LABEL: Record<string, string> = {
  country: 'Country',
  device: 'Device',
  browser: 'Browser',
  os: 'OS',
  connection: 'Connection',
  release: 'Release',
};

const PROPER: Record<string, string> = {
  ios: 'iOS',
  macos: 'macOS',
  ipados: 'iPadOS',
  chromeos: 'ChromeOS',
  '4g': '4G',
  '3g': '3G',
  '2g': '2G',
  'slow-2g': 'Slow 2G',
};

/** A stored segment value as people write it: "chrome 131" reads "Chrome 131", "ios" reads "iOS"; countries and releases as stored. */
export function segmentValueLabel(dim: string, value: string): string {
  if (dim === 'country' || dim === 'release') return value;
  return value
    .split(' ')
    .map((word) => PROPER[word] ?? (word ? word[0].toUpperCase() + word.slice(1) : word))
    .join(' ');
}
