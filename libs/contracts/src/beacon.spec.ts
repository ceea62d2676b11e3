import { describe, expect, it } from 'vitest';
import { parseBeacon } from './beacon';

const valid = { v: 1, siteKey: 'pk_abcdefgh', pageViewId: 'pv_12345678', seq: 0, url: 'https://shop.example/p/1', metrics: { lcp: 1200, cls: 0.02 } };

describe('parseBeacon', () => {
  it('accepts a valid beacon', () => {
    expect(parseBeacon(valid)).toEqual({ ok: true, value: valid });
  });
  it('names the bad field', () => {
    const r = parseBeacon({ ...valid, metrics: { lcp: -5 } });
    expect(r).toMatchObject({ ok: false, field: 'metrics.lcp' });
  });
  it('rejects unknown keys', () => {
    expect(parseBeacon({ ...valid, ip: '1.2.3.4' })).toMatchObject({ ok: false });
  });
  it('rejects non-objects', () => {
    expect(parseBeacon('hello')).toMatchObject({ ok: false, field: '(body)' });
  });
});
