import { describe, expect, it } from 'vitest';
import { IngestCounters } from './ingest-counters';

describe('IngestCounters', () => {
  it('counts per owner and minute, hands everything over once, and takes failed flushes back', () => {
    const c = new IngestCounters();
    const t0 = Date.UTC(2026, 11, 3, 10, 0, 10);
    c.accepted('site-a', 3, t0);
    c.accepted('site-a', 2, t0 + 70_000);
    c.rejected({ siteId: 'site-a' }, 'origin', t0);
    c.rejected({ origin: 'https://a.example' }, 'key', t0);
    expect(c.pendingFor('site-a', t0 - 1)).toMatchObject({ accepted: 5, rejected: { origin: 1, key: 0 }, lastBeaconMs: t0 + 70_000 });
    const taken = c.take();
    expect(taken).toHaveLength(3);
    expect(c.take()).toEqual([]);
    c.restore(taken);
    expect(c.pendingFor('site-a', t0 - 1).accepted).toBe(5);
  });
});
