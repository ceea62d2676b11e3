// Pure time-range and query helpers: the range picker's windows, bucket sizes, and the segment filter.
import { HOUR_MS, DAY_MS, MINUTE_MS } from './scale';

export type RangeKey = '1h' | '6h' | '24h' | '7d';

/** The range picker's choices: span and the bucket that gives 60 to 170 points per chart. */
export const RANGES: Record<RangeKey, { label: string; spanMs: number; bucketMinutes: number }> = {
  '1h': { label: '1h', spanMs: HOUR_MS, bucketMinutes: 1 },
  '6h': { label: '6h', spanMs: 6 * HOUR_MS, bucketMinutes: 5 },
  '24h': { label: '24h', spanMs: DAY_MS, bucketMinutes: 15 },
  '7d': { label: '7d', spanMs: 7 * DAY_MS, bucketMinutes: 60 },
};

/** Whether `value` names a range of the picker. */
export function isRangeKey(value: unknown): value is RangeKey {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RANGES, value);
}

/** The window ending at the bucket boundary at or after `nowMs`, so the last bucket is the current one. */
export function rangeWindow(key: RangeKey, nowMs: number): { fromMs: number; toMs: number; bucketMinutes: number } {
  const { spanMs, bucketMinutes } = RANGES[key];
  const bucketMs = bucketMinutes * MINUTE_MS;
  const toMs = Math.ceil(nowMs / bucketMs) * bucketMs;
  return { fromMs: toMs - spanMs, toMs, bucketMinutes };
}

/** Segment dimensions the rollups keep. */
export const SEGMENT_DIMS = ['country', 'device', 'browser', 'os', 'connection', 'release'] as const;

/**
 * A segment filter from user text: "country:BR", "country=BR" or "country BR" to "country:BR";
 * empty text is no filter (null); anything else is an error message.
 */
export function parseSegment(text: string): { segment: string | null } | { error: string } {
  const trimmed = text.trim();
  if (!trimmed) return { segment: null };
  const match = /^([a-z]+)\s*[:=\s]\s*(.+)$/i.exec(trimmed);
  if (!match) return { error: 'Write the segment as dim:value, e.g. country:BR' };
  const dim = match[1].toLowerCase();
  if (!(SEGMENT_DIMS as readonly string[]).includes(dim)) return { error: `Unknown dimension "${dim}"; use one of ${SEGMENT_DIMS.join(', ')}` };
  return { segment: `${dim}:${match[2].trim()}` };
}

/** A query string from defined parameters, in the given order. */
export function queryString(params: Record<string, string | number | null | undefined>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value == null || value === '') continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Route list for the picker: both sources merged by route, busiest first, with each source's count. */
export function mergeRoutes(rum: { route: string; beacons: number }[], synthetic: { route: string; beacons: number }[]): { route: string; rum: number; synthetic: number }[] {
  const byRoute = new Map<string, { route: string; rum: number; synthetic: number }>();
  const get = (route: string) => {
    let entry = byRoute.get(route);
    if (!entry) byRoute.set(route, (entry = { route, rum: 0, synthetic: 0 }));
    return entry;
  };
  for (const r of rum) get(r.route).rum += r.beacons;
  for (const r of synthetic) get(r.route).synthetic += r.beacons;
  return [...byRoute.values()].sort((a, b) => b.rum + b.synthetic - (a.rum + a.synthetic) || a.route.localeCompare(b.route));
}
