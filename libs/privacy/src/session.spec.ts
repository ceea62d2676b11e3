import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DailySalt, pseudonymiseSession } from './session';

const SECRET = 'test-secret-with-enough-bytes-0123456789';
const DAY_2025_03_14_NOON = Date.UTC(2025, 2, 14, 12, 0, 0);

describe('DailySalt', () => {
  it('derives HMAC-SHA256(secret, day)', () => {
    const expected = createHmac('sha256', SECRET).update('2025-03-14').digest();
    expect(new DailySalt(SECRET).saltFor('2025-03-14').equals(expected)).toBe(true);
  });

  it('is stable within a UTC day and differs between days', () => {
    const salts = new DailySalt(SECRET);
    const startOfDay = salts.saltAt(Date.UTC(2025, 2, 14, 0, 0, 0));
    const endOfDay = salts.saltAt(Date.UTC(2025, 2, 14, 23, 59, 59, 999));
    const nextDay = salts.saltAt(Date.UTC(2025, 2, 15, 0, 0, 0));
    expect(startOfDay.equals(endOfDay)).toBe(true);
    expect(startOfDay.equals(nextDay)).toBe(false);
  });

  it('is the same for two instances with the same secret (replicas agree, nothing stored)', () => {
    expect(new DailySalt(SECRET).saltFor('2025-03-14').equals(new DailySalt(Buffer.from(SECRET)).saltFor('2025-03-14'))).toBe(true);
  });

  it('changes when the secret is rotated', () => {
    const before = new DailySalt(SECRET).saltFor('2025-03-14');
    const after = new DailySalt(SECRET + '-rotated').saltFor('2025-03-14');
    expect(before.equals(after)).toBe(false);
  });

  it('gives the UTC day of an instant', () => {
    expect(DailySalt.dayOf(DAY_2025_03_14_NOON)).toBe('2025-03-14');
    expect(DailySalt.dayOf(Date.UTC(2025, 2, 14, 23, 59, 59, 999))).toBe('2025-03-14');
    expect(DailySalt.dayOf(Date.UTC(2025, 2, 15))).toBe('2025-03-15');
    expect(new DailySalt(SECRET).dayOf(Date.UTC(2024, 1, 29, 5))).toBe('2024-02-29');
    expect(DailySalt.dayOf(0)).toBe('1970-01-01');
  });

  it('rejects a short secret, a malformed day and a non-finite time', () => {
    expect(() => new DailySalt('short')).toThrow(RangeError);
    expect(() => new DailySalt(SECRET).saltFor('14/03/2025')).toThrow(RangeError);
    expect(() => DailySalt.dayOf(Number.NaN)).toThrow(RangeError);
  });
});

describe('pseudonymiseSession', () => {
  const salts = new DailySalt(SECRET);
  const today = salts.saltFor('2025-03-14');

  it('is 16 bytes of HMAC-SHA256 as base64url', () => {
    const id = pseudonymiseSession('sess_abcdefgh', 'site-1', today);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    const expected = createHmac('sha256', today).update('site-1\u0000sess_abcdefgh').digest().subarray(0, 16).toString('base64url');
    expect(id).toBe(expected);
  });

  it('is stable for the same session, site and day', () => {
    expect(pseudonymiseSession('sess_abcdefgh', 'site-1', today)).toBe(pseudonymiseSession('sess_abcdefgh', 'site-1', salts.saltFor('2025-03-14')));
    expect(salts.pseudonymise('sess_abcdefgh', 'site-1', DAY_2025_03_14_NOON)).toBe(pseudonymiseSession('sess_abcdefgh', 'site-1', today));
  });

  it('cannot be linked across days, sites or sessions', () => {
    const base = pseudonymiseSession('sess_abcdefgh', 'site-1', today);
    expect(pseudonymiseSession('sess_abcdefgh', 'site-1', salts.saltFor('2025-03-15'))).not.toBe(base);
    expect(pseudonymiseSession('sess_abcdefgh', 'site-2', today)).not.toBe(base);
    expect(pseudonymiseSession('sess_abcdefgi', 'site-1', today)).not.toBe(base);
  });

  it('separates site and session so shifting characters between them changes the result', () => {
    expect(pseudonymiseSession('bsession', 'site-a', today)).not.toBe(pseudonymiseSession('session', 'site-ab', today));
  });

  it('never contains the raw session id', () => {
    expect(pseudonymiseSession('sess_abcdefgh', 'site-1', today)).not.toContain('sess_abcdefgh');
  });
});
