import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './hash-state';

describe('state in the URL hash', () => {
  it('round-trips a compare link with route, segment and a dragged window', () => {
    const state = {
      screen: 'compare' as const,
      site: 's1',
      route: '/product/:id',
      metric: 'lcp',
      range: '24h' as const,
      from: 1000,
      to: 5000,
      segment: 'browser:safari 18',
    };
    expect(parseHash(formatHash(state))).toEqual(state);
  });
  it('reads run and incident pages and falls back to the overview', () => {
    expect(parseHash('#/runs/abc?site=s')).toEqual({ screen: 'run', id: 'abc', site: 's' });
    expect(parseHash('#/incidents/x1')).toEqual({ screen: 'incident', id: 'x1' });
    expect(parseHash('#/incidents')).toEqual({ screen: 'incidents' });
    expect(parseHash('')).toEqual({ screen: 'overview' });
    expect(parseHash('#/nope?range=3y&from=9&to=2')).toEqual({ screen: 'overview' });
  });
});
