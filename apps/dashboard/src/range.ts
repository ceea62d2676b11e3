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

/** The smallest picker range whose window (ending now) still holds `lastDataMs`; null when none does. */
export function rangeHolding(lastDataMs: number | null, nowMs: number): RangeKey | null {
  if (lastDataMs === null) return null;
  for (const key of Object.keys(RANGES) as RangeKey[]) if (nowMs - lastDataMs < RANGES[key].spanMs * 0.9) return key;
  return null;
}

/** The window to show: a dragged custom window, else the named range (default 24 h) ending now. */
export function windowOf(state: { range?: RangeKey; from?: number; to?: number }, nowMs: number): { fromMs: number; toMs: number; bucketMinutes: number; custom: boolean; key: RangeKey } {
  const key = state.range ?? '24h';
  if (state.from !== undefined && state.to !== undefined) {
    const span = state.to - state.from;
    const bucketMinutes = [1, 5, 15, 60, 360].find((b) => span / (b * MINUTE_MS) <= 200) ?? 1440;
    return { fromMs: state.from, toMs: state.to, bucketMinutes, custom: true, key };
  }
  return { ...rangeWindow(key, nowMs), custom: false, key };
}
