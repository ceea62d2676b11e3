import { describe, expect, it } from 'vitest';
import {
  segmentValueLabel,
  carrierSegments, deploymentCurl, evidenceFacts, formatAxisValue, formatClock, formatCompactCount, formatCount, formatDurationMs, formatMetricValue, formatSignedPct,
  incidentSentence, metricLabel, relativeTime, segmentText,
} from './format';
import type { IncidentView as Incident } from '@parallax/contracts/dashboard-views';

const NOW = Date.parse('2025-11-24T16:00:00Z');

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: 'i1',
    siteId: 's1',
    route: '/product/:id',
    metric: 'lcp',
    label: 'rum_only',
    status: 'open',
    summary: null,
    openedAt: '2025-11-24T14:09:00Z',
    updatedAt: '2025-11-24T14:20:00Z',
    onsetAt: '2025-11-24T14:05:00Z',
    evidence: { baselineP75: 2100, currentP75: 2898, changePct: 38, ciLow: 22.4, ciHigh: 55, ciLevelPct: 95, nBaseline: 12045, nCurrent: 310 },
    segments: [
      { dim: 'country', value: 'BR', changePct: 62, share: 0.41 },
      { dim: 'connection', value: '3g', changePct: 48, share: 0.2 },
      { dim: 'browser', value: 'Chrome 131', changePct: 5, share: 0.5 },
    ],
    locations: [],
    suspectedDeployment: { id: 'd1', version: 'v2.3.1', at: '2025-11-24T14:02:00Z', kind: 'deployment' },
    ...over,
  };
}

describe('incidentSentence', () => {
  it('reads like the architecture example for a real-users-only regression', () => {
    expect(incidentSentence(incident(), NOW, 'UTC')).toBe(
      'LCP p75 on /product/:id +38% since 14:05, real users only, carried by country=BR and connection=3g; suspected release v2.3.1',
    );
  });

  it('names both sources, a config change, and uses the opening time without an onset', () => {
    const text = incidentSentence(
      incident({ label: 'both', metric: 'inp', onsetAt: null, segments: [], suspectedDeployment: { id: 'd', version: 'flags-7', at: '', kind: 'config' } }),
      NOW,
      'UTC',
    );
    expect(text).toBe('INP p75 on /product/:id +38% since 14:09, real users and synthetic; suspected config change flags-7');
  });

  it('says where the lab saw a synthetic-only regression and skips segments marked as not carrying', () => {
    const text = incidentSentence(
      incident({ label: 'synthetic_only', locations: ['eu-west'], segments: [{ dim: 'os', value: 'iOS', carries: false }], suspectedDeployment: null }),
      NOW,
      'UTC',
    );
    expect(text).toBe('LCP p75 on /product/:id +38% since 14:05, synthetic only, at eu-west');
  });

  it('describes a failing journey step with its locations', () => {
    const text = incidentSentence(incident({ label: 'failing', route: 'checkout/pay', locations: ['local', 'us-east'], suspectedDeployment: null }), NOW, 'UTC');
    expect(text).toBe('Journey step checkout/pay failing since 14:05 at local, us-east');
  });

  it('leaves the percentage out when the evidence has none and shows the day for older onsets', () => {
    const text = incidentSentence(incident({ evidence: null, segments: null, suspectedDeployment: null, onsetAt: '2025-11-22T09:30:00Z' }), NOW, 'UTC');
    expect(text).toBe('LCP p75 on /product/:id since Sat 09:30, real users only');
  });

  it('formats the clock in the given time zone', () => {
    expect(incidentSentence(incident({ suspectedDeployment: null, segments: [] }), NOW, 'America/Sao_Paulo')).toContain('since 11:05');
  });
});

describe('value formatting', () => {
  it('formats metric values with units', () => {
    expect(formatMetricValue('lcp', 850.4)).toBe('850 ms');
    expect(formatMetricValue('lcp', 2898)).toBe('2.90 s');
    expect(formatMetricValue('ttfb', 12_340)).toBe('12.3 s');
    expect(formatMetricValue('cls', 0.123)).toBe('0.12');
    expect(formatMetricValue('cls', 0.004)).toBe('0.004');
    expect(formatMetricValue('cls', 0)).toBe('0.00');
    expect(formatMetricValue('inp', null)).toBe('\u2013');
    expect(formatDurationMs(125_000)).toBe('2 min 5 s');
  });

  it('writes short axis labels and compact counts', () => {
    expect(formatAxisValue('lcp', 0)).toBe('0');
    expect(formatAxisValue('lcp', 500)).toBe('500 ms');
    expect(formatAxisValue('lcp', 1500)).toBe('1.5 s');
    expect(formatAxisValue('lcp', 2000)).toBe('2 s');
    expect(formatAxisValue('cls', 0.15000000000000002)).toBe('0.15');
    expect(formatCompactCount(950)).toBe('950');
    expect(formatCompactCount(1249)).toBe('1.2k');
    expect(formatCompactCount(34_400)).toBe('34k');
    expect(formatCompactCount(1_500_000)).toBe('1.5M');
  });

  it('signs percentages with one decimal under 10%', () => {
    expect(formatSignedPct(38.4)).toBe('+38%');
    expect(formatSignedPct(4.46)).toBe('+4.5%');
    expect(formatSignedPct(-12.2)).toBe('\u221212%');
    expect(formatSignedPct(0.01)).toBe('0%');
    expect(formatSignedPct(NaN)).toBe('\u2013');
  });

  it('groups thousands and names metrics', () => {
    expect(formatCount(1234567.4)).toBe('1,234,567');
    expect(metricLabel('ttfb')).toBe('TTFB');
    expect(metricLabel('duration')).toBe('Step duration');
  });

  it('shows clock times relative to today', () => {
    expect(formatClock(Date.parse('2025-11-24T00:01:00Z'), NOW, 'UTC')).toBe('00:01');
    expect(formatClock(Date.parse('2025-11-23T23:59:00Z'), NOW, 'UTC')).toBe('Sun 23:59');
    expect(formatClock(Date.parse('2025-11-01T08:00:00Z'), NOW, 'UTC')).toBe('1 Nov 08:00');
  });

  it('says how long ago', () => {
    expect(relativeTime(NOW - 10_000, NOW)).toBe('just now');
    expect(relativeTime(NOW + 60_000, NOW)).toBe('just now');
    expect(relativeTime(NOW - 5 * 60_000, NOW)).toBe('5 min ago');
    expect(relativeTime(NOW - 3 * 3_600_000, NOW)).toBe('3 h ago');
    expect(relativeTime(NOW - 3 * 86_400_000, NOW)).toBe('3 d ago');
  });
});

describe('evidence', () => {
  it('lists values, change with its interval, and sample sizes', () => {
    expect(evidenceFacts(incident())).toEqual(['p75 2.10 s \u2192 2.90 s', '+38% (95% CI +22% to +55%)', 'n 12,045 \u2192 310']);
  });

  it('omits what is missing', () => {
    expect(evidenceFacts(incident({ evidence: { changePct: -8.25 } }))).toEqual(['\u22128.3%']);
    expect(evidenceFacts(incident({ evidence: { changePct: 38, shiftPct: 31, ciOf: 'shift', ciLow: 20, ciHigh: 43, ciLevelPct: 99 } }))).toEqual(['+38%', 'typical page view +31% (99% CI +20% to +43%)']);
    expect(evidenceFacts(incident({ evidence: null }))).toEqual([]);
  });

  it('describes segments and picks at most two carriers', () => {
    expect(segmentText({ dim: 'country', value: 'BR', changePct: 62, share: 0.41 })).toBe('country=BR +62% \u00b7 41% of traffic');
    expect(segmentText({ dim: 'release', value: 'v2', share: 35 })).toBe('release=v2 \u00b7 35% of traffic');
    expect(carrierSegments(incident().segments).map((s) => s.value)).toEqual(['BR', '3g']);
    expect(carrierSegments(undefined)).toEqual([]);
  });
});

describe('deploymentCurl', () => {
  it('is a runnable command for this server and site, with the token left to the shell', () => {
    expect(deploymentCurl('https://px.example.com', 'site-1')).toBe(
      'curl -X POST https://px.example.com/api/deployments \\\n' +
        '  -H "Authorization: Bearer $TOKEN" \\\n' +
        "  -H 'Content-Type: application/json' \\\n" +
        '  -d \'{"siteId":"site-1","version":"v2.3.1","kind":"deployment"}\'',
    );
  });
});

describe('segmentValueLabel', () => {
  it('writes stored values the way people read them', () => {
    expect(segmentValueLabel('browser', 'chrome 131')).toBe('Chrome 131');
    expect(segmentValueLabel('os', 'ios')).toBe('iOS');
    expect(segmentValueLabel('connection', '4g')).toBe('4G');
    expect(segmentValueLabel('country', 'BR')).toBe('BR');
    expect(segmentValueLabel('release', 'v2.0-rc')).toBe('v2.0-rc');
  });
});
