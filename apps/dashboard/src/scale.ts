// Pure scale and tick computation for the SVG charts: linear scales, "nice" value ticks, time ticks aligned to
// the viewer's clock (the time-zone offset is passed in) and nearest-point lookup for the hover readout.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A linear map from a domain to a pixel range, with its inverse. */
export interface LinearScale {
  (value: number): number;
  invert(pixel: number): number;
  domain: [number, number];
  range: [number, number];
}

/** Linear scale from `domain` to `range`; a zero-width domain maps everything to the range's middle. */
export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = ((value: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0))) as LinearScale;
  scale.invert = (pixel: number) => (r1 === r0 ? d0 : d0 + ((pixel - r0) / (r1 - r0)) * span);
  scale.domain = [d0, d1];
  scale.range = [r0, r1];
  return scale;
}

/** Value ticks on 1-2-5 steps covering [min, max] with about `targetCount` intervals. */
export function niceTicks(min: number, max: number, targetCount = 5): { min: number; max: number; step: number; ticks: number[] } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] };
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    // A flat line still needs an axis: open it up around the value (or 0..1 for zero).
    if (max === 0) max = 1;
    else if (min > 0) min = 0;
    else max = 0;
  }
  const rough = (max - min) / Math.max(1, targetCount);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const residual = rough / magnitude;
  // Thresholds at the geometric midpoints between 1, 2, 5 and 10 pick the step closest to the target count.
  const step = (residual >= Math.sqrt(50) ? 10 : residual >= Math.sqrt(10) ? 5 : residual >= Math.sqrt(2) ? 2 : 1) * magnitude;
  const niceMin = Math.floor(min / step + 1e-9) * step;
  const niceMax = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  // Rounding to the step's decimals keeps 0.1 + 0.2 from printing as 0.30000000000000004.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let v = niceMin; v <= niceMax + step / 2; v += step) ticks.push(Number(v.toFixed(decimals)));
  return { min: ticks[0], max: ticks[ticks.length - 1], step, ticks };
}

const TIME_STEPS_MS = [
  MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS,
  HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS,
  DAY_MS, 2 * DAY_MS, 7 * DAY_MS,
];

/**
 * Time ticks in [fromMs, toMs], at most `maxCount`, on round clock times in the viewer's zone
 * (`tzOffsetMinutes` east of UTC, i.e. `-new Date().getTimezoneOffset()`).
 */
export function timeTicks(fromMs: number, toMs: number, maxCount: number, tzOffsetMinutes = 0): { stepMs: number; ticks: number[] } {
  const offsetMs = tzOffsetMinutes * MINUTE_MS;
  const span = Math.max(1, toMs - fromMs);
  const stepMs = TIME_STEPS_MS.find((s) => span / s <= Math.max(1, maxCount)) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1];
  const ticks: number[] = [];
  let t = Math.ceil((fromMs + offsetMs) / stepMs) * stepMs - offsetMs;
  for (; t <= toMs; t += stepMs) ticks.push(t);
  return { stepMs, ticks };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Tick label: "14:30" within a day, "Tue 25" at a midnight or when ticks are days apart. */
export function timeTickLabel(ms: number, stepMs: number, tzOffsetMinutes = 0): string {
  const local = new Date(ms + tzOffsetMinutes * MINUTE_MS);
  const atMidnight = local.getUTCHours() === 0 && local.getUTCMinutes() === 0;
  if (stepMs >= DAY_MS || atMidnight) {
    if (stepMs >= 7 * DAY_MS) return `${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]}`;
    return `${WEEKDAYS[local.getUTCDay()]} ${local.getUTCDate()}`;
  }
  return `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
}

/** Index of the value in ascending `sorted` closest to `target` (-1 when empty). */
export function nearestIndex(sorted: number[], target: number): number {
  if (!sorted.length) return -1;
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(sorted[lo - 1] - target) <= Math.abs(sorted[lo] - target)) return lo - 1;
  return lo;
}
