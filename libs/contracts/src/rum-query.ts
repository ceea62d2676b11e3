/** One time bucket of a real-user or synthetic series: counts and percentiles merged from per-minute sketches. */
export interface SeriesPoint {
  start: string;
  count: number;
  p50: number | null;
  p75: number | null;
  p95: number | null;
}

/** A route with data in a range, and how many beacons it had. */
export interface RouteCount {
  route: string;
  beacons: number;
}
