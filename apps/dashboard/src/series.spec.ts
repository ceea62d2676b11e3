import { describe, expect, it } from 'vitest';
import { labLines, vitalsPerPage, waterfall } from './series';

describe('chart and run shaping', () => {
  it('snaps lab runs to the buckets per location, median per bucket, gaps where no run', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const xs = [t0, t0 + 60_000, t0 + 120_000];
    const lab = {
      route: '/',
      metric: 'lcp',
      locations: [
        {
          location: 'eu',
          points: [
            { at: new Date(t0 + 5_000).toISOString(), value: 100, runId: 'a' },
            { at: new Date(t0 + 30_000).toISOString(), value: 300, runId: 'b' },
            { at: new Date(t0 + 50_000).toISOString(), value: 200, runId: 'c' },
          ],
        },
        { location: 'us', points: [{ at: new Date(t0 + 130_000).toISOString(), value: 900, runId: 'd' }] },
      ],
    };
    const lines = labLines(lab, xs, 60_000);
    expect(lines.map((l) => l.label)).toEqual(['Lab eu', 'Lab us']);
    expect(lines[0].values).toEqual([200, null, null]);
    expect(lines[1].values).toEqual([null, null, 900]);
    expect(labLines(null, xs, 60_000)).toEqual([]);
  });

  it('lays steps end to end in the waterfall', () => {
    const rows = waterfall([
      { status: 'passed', durationMs: 100 },
      { status: 'failed', durationMs: 50 },
      { status: 'skipped', durationMs: null },
    ]);
    expect(rows.map((r) => [r.startMs, r.durationMs])).toEqual([
      [0, 100],
      [100, 50],
      [150, 0],
    ]);
  });

  it('merges the beacons of one page into one row', () => {
    const base = { route: '/', path: '/', lcp: null, inp: null, cls: null, fcp: null, ttfb: null };
    const rows = vitalsPerPage([
      { ...base, fcp: 300, ttfb: 40 },
      { ...base, lcp: 500, cls: 0 },
      { ...base, route: '/p', path: '/p/1', lcp: 700 },
    ]);
    expect(rows).toEqual([
      { ...base, fcp: 300, ttfb: 40, lcp: 500, cls: 0 },
      { ...base, route: '/p', path: '/p/1', lcp: 700 },
    ]);
  });
});
