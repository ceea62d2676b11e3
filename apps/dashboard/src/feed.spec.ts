import { describe, expect, it } from 'vitest';
import { activeSince, countByStatus, prependRun, upsertIncident } from './feed';
import type { IncidentView as Incident, RunView as Run } from '@parallax/contracts/dashboard-views';

const inc = (id: string, openedAt: string, over: Partial<Incident> = {}): Incident => ({
  id, siteId: 's', route: '/', metric: 'lcp', label: 'both', status: 'open', openedAt, updatedAt: openedAt, ...over,
});

describe('upsertIncident', () => {
  const list = [inc('b', '2025-11-24T12:00:00Z'), inc('a', '2025-11-24T10:00:00Z')];

  it('adds new incidents newest first', () => {
    const { list: next, isNew } = upsertIncident(list, inc('c', '2025-11-24T11:00:00Z'), null);
    expect(isNew).toBe(true);
    expect(next.map((i) => i.id)).toEqual(['b', 'c', 'a']);
  });

  it('replaces by id and keeps a resolved one visible under the open filter', () => {
    const resolved = inc('a', '2025-11-24T10:00:00Z', { status: 'resolved', updatedAt: '2025-11-24T13:00:00Z' });
    const { list: next, isNew } = upsertIncident(list, resolved, 'open');
    expect(isNew).toBe(false);
    expect(next.find((i) => i.id === 'a')?.status).toBe('resolved');
  });

  it('leaves out new incidents the filter hides and ignores stale updates', () => {
    expect(upsertIncident(list, inc('z', '2025-11-24T13:00:00Z', { status: 'resolved' }), 'open').list).toBe(list);
    const newer = [inc('a', '2025-11-24T10:00:00Z', { status: 'acknowledged', updatedAt: '2025-11-24T12:00:00Z' })];
    expect(upsertIncident(newer, inc('a', '2025-11-24T10:00:00Z'), null).list[0].status).toBe('acknowledged');
  });

  it('caps the list', () => {
    expect(upsertIncident(list, inc('c', '2025-11-24T13:00:00Z'), null, 2).list.map((i) => i.id)).toEqual(['c', 'b']);
  });

  it('counts by status', () => {
    expect(countByStatus([...list, inc('r', '2025-11-24T09:00:00Z', { status: 'resolved' })])).toEqual({ open: 2, acknowledged: 0, resolved: 1 });
  });
});

describe('activeSince', () => {
  const from = Date.parse('2025-11-24T12:00:00Z');

  it('keeps unresolved incidents of any age and those resolved inside the range', () => {
    expect(activeSince(inc('a', '2025-11-01T00:00:00Z', { status: 'acknowledged' }), from)).toBe(true);
    expect(activeSince(inc('b', '2025-11-24T10:00:00Z', { status: 'resolved', resolvedAt: '2025-11-24T12:30:00Z' }), from)).toBe(true);
    expect(activeSince(inc('c', '2025-11-24T10:00:00Z', { status: 'resolved', resolvedAt: '2025-11-24T11:00:00Z' }), from)).toBe(false);
    // Without resolvedAt the last update stands in for it.
    expect(activeSince(inc('d', '2025-11-24T10:00:00Z', { status: 'resolved', updatedAt: '2025-11-24T11:59:00Z' }), from)).toBe(false);
  });
});

describe('prependRun', () => {
  it('puts the new run first, replaces duplicates and caps', () => {
    const run = (id: string): Run => ({ id, journeyId: 'j', location: 'local', status: 'passed', durationMs: 1, finishedAt: null });
    expect(prependRun([run('a'), run('b')], run('b'), 2).map((r) => r.id)).toEqual(['b', 'a']);
    expect(prependRun([run('a'), run('b')], run('c'), 2).map((r) => r.id)).toEqual(['c', 'a']);
  });
});
