import { describe, expect, it } from 'vitest';
import { isStale, seriesLabel, sortCoverage, STATUS_BADGE } from './coverage';
import type { DetectionSeries, DetectionStatus } from '@parallax/contracts/dashboard-views';

const NOW = Date.parse('2025-11-24T16:00:00Z');

function series(route: string, metric: string, status: DetectionStatus, source: 'rum' | 'synthetic' = 'rum', updatedAt = '2025-11-24T15:59:30Z'): DetectionSeries {
  const base = { route, metric, status, message: `${status} message`, updatedAt };
  return source === 'rum'
    ? {
        ...base, source,
        evidence: { nCurrent: 37, minCurrent: 100, nBaseline: 900, minBaseline: 300, windowMinutes: 60, baselineMode: 'trailing', baselineP75: 2100, currentP75: 2200, changePct: null, ciLow: null, ciHigh: null, shiftPct: null, minDetectableChangePct: 23 },
      }
    : { ...base, source, evidence: { changePct: null, minRecentRuns: 4, minBaselineRuns: 12, recentWindowMinutes: 30, baselineMinutes: 360, locations: [] } };
}

describe('sortCoverage', () => {
  it('puts regressions first, then not enough data, then watched series, each by route, source and metric', () => {
    const sorted = sortCoverage([
      series('/b', 'lcp', 'ok'),
      series('/a', 'lcp', 'insufficient', 'synthetic'),
      series('/a', 'inp', 'insufficient'),
      series('/c', 'ttfb', 'regressed'),
      series('/a', 'lcp', 'ok'),
    ]);
    expect(sorted.map((s) => `${s.status} ${s.route} ${s.source} ${s.metric}`)).toEqual([
      'regressed /c rum ttfb',
      'insufficient /a rum inp',
      'insufficient /a synthetic lcp',
      'ok /a rum lcp',
      'ok /b rum lcp',
    ]);
  });

  it('does not reorder its input', () => {
    const input = [series('/b', 'lcp', 'ok'), series('/a', 'lcp', 'regressed')];
    sortCoverage(input);
    expect(input[0].route).toBe('/b');
  });
});

describe('coverage labels', () => {
  it('reads insufficient as "Not enough data"', () => {
    expect(STATUS_BADGE.insufficient).toBe('Not enough data');
  });

  it('names the metric and the side that watches it', () => {
    expect(seriesLabel({ source: 'rum', metric: 'lcp' })).toBe('LCP \u00b7 real users');
    expect(seriesLabel({ source: 'synthetic', metric: 'duration' })).toBe('Step duration \u00b7 synthetic');
  });

  it('marks verdicts several ticks old as stale', () => {
    expect(isStale(series('/a', 'lcp', 'ok', 'rum', '2025-11-24T15:59:00Z'), 60, NOW)).toBe(false);
    expect(isStale(series('/a', 'lcp', 'ok', 'rum', '2025-11-24T15:56:00Z'), 60, NOW)).toBe(true);
    // A fast tick still allows a few minutes before a verdict counts as stale.
    expect(isStale(series('/a', 'lcp', 'ok', 'rum', '2025-11-24T15:58:00Z'), 1, NOW)).toBe(false);
  });
});
