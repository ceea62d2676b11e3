import { createHmac } from 'node:crypto';

const MS_PER_DAY = 86_400_000;
const DAY_UTC = /^\d{4}-\d{2}-\d{2}$/;
/** Shorter secrets make the salts guessable. */
export const MIN_SALT_SECRET_BYTES = 16;

/**
 * Pseudonymous session id: HMAC-SHA256(dailySalt, siteId + NUL + sessionId), first 16 bytes, base64url (22 chars).
 * The site is part of the input so one browser tab id never links two sites.
 */
export function pseudonymiseSession(sessionId: string, siteId: string, dailySalt: Buffer): string {
  return createHmac('sha256', dailySalt).update(siteId).update('\u0000').update(sessionId).digest().subarray(0, 16).toString('base64url');
}

/**
 * Derives each UTC day's salt as HMAC-SHA256(secret, 'YYYY-MM-DD'): nothing is stored, every replica with the
 * same secret derives the same salt, and without the secret one day's pseudonyms cannot be linked to another's.
 * Rotating the secret breaks linkage too: pseudonyms from before and after the rotation no longer match.
 * Use a secret dedicated to this purpose.
 */
export class DailySalt {
  private readonly secret: Buffer;
  // Only today and perhaps yesterday (late beacons) are asked for, so a tiny cache is enough.
  private readonly recent = new Map<string, Buffer>();

  constructor(secret: string | Buffer) {
    this.secret = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (this.secret.length < MIN_SALT_SECRET_BYTES) {
      throw new RangeError(`salt secret must be at least ${MIN_SALT_SECRET_BYTES} bytes`);
    }
  }

  /** The UTC day of an instant, as 'YYYY-MM-DD'. */
  static dayOf(nowMs: number): string {
    if (!Number.isFinite(nowMs)) throw new RangeError(`not a time: ${nowMs}`);
    return new Date(Math.floor(nowMs / MS_PER_DAY) * MS_PER_DAY).toISOString().slice(0, 10);
  }

  /** The UTC day of an instant, as 'YYYY-MM-DD'. */
  dayOf(nowMs: number): string {
    return DailySalt.dayOf(nowMs);
  }

  /** The salt of one UTC day ('YYYY-MM-DD'). Callers must not mutate the returned buffer. */
  saltFor(dayUtc: string): Buffer {
    const cached = this.recent.get(dayUtc);
    if (cached) return cached;
    if (!DAY_UTC.test(dayUtc)) throw new RangeError(`day must be YYYY-MM-DD, got ${dayUtc}`);
    const salt = createHmac('sha256', this.secret).update(dayUtc).digest();
    if (this.recent.size >= 4) this.recent.delete(this.recent.keys().next().value as string);
    this.recent.set(dayUtc, salt);
    return salt;
  }

  /** The salt in force at an instant. */
  saltAt(nowMs: number): Buffer {
    return this.saltFor(DailySalt.dayOf(nowMs));
  }

  /** Pseudonymises a session id with the salt of the day containing `nowMs`. */
  pseudonymise(sessionId: string, siteId: string, nowMs: number): string {
    return pseudonymiseSession(sessionId, siteId, this.saltAt(nowMs));
  }
}
