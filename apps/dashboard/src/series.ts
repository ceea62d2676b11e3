// Pure shaping of API answers for the charts and the run page: lab lines on the chart's buckets, the step
// waterfall, and one lab-vitals row per page.
import type { LabView, RunStepView, RunVitals } from '@parallax/contracts/dashboard-views';
import type { ChartLine } from './chart';

const LAB_COLORS = ['var(--synthetic)', 'var(--purple)', '#0f766e', '#a16207', '#be185d'];

/** Lab values snapped to the chart's buckets (median per bucket), one line per location; empty buckets are gaps. */
export function labLines(lab: LabView | null, xsMs: number[], bucketMs: number): ChartLine[] {
  if (!lab || !xsMs.length) return [];
  const index = new Map(xsMs.map((x, i) => [x, i]));
  return lab.locations.map((loc, n) => {
    const buckets: number[][] = xsMs.map(() => []);
    for (const p of loc.points) {
      const i = index.get(Math.floor(Date.parse(p.at) / bucketMs) * bucketMs);
      if (i !== undefined) buckets[i].push(p.value);
    }
    const values = buckets.map((b) => (b.length ? b.sort((x, y) => x - y)[Math.floor(b.length / 2)] : null));
    return { label: `Lab ${loc.location}`, color: LAB_COLORS[n % LAB_COLORS.length], values, pointsOnly: true, width: 1.5, dash: [6, 3] };
  });
}

/** Steps run one after another: each starts where the previous ended. */
export function waterfall(steps: RunStepView[]): { step: RunStepView; startMs: number; durationMs: number }[] {
  let at = 0;
  return steps.map((step) => {
    const durationMs = Math.max(0, step.durationMs ?? 0);
    const row = { step, startMs: at, durationMs };
    at += durationMs;
    return row;
  });
}

/** A page's vitals arrive in several beacons (seq 0, 1, …): one row per page with the values each reported. */
export function vitalsPerPage(vitals: RunVitals[]): RunVitals[] {
  const byPage = new Map<string, RunVitals>();
  for (const v of vitals) {
    const key = `${v.route}\u0000${v.path}`;
    const row = byPage.get(key);
    if (!row) byPage.set(key, { ...v });
    else for (const m of ['lcp', 'inp', 'cls', 'fcp', 'ttfb'] as const) row[m] = row[m] ?? v[m];
  }
  return [...byPage.values()];
}
