/** Per-client token buckets, held in memory only (the key, a client address, is never stored or logged). */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    /** Most clients tracked; the oldest are forgotten first (a forgotten client starts with a full bucket). */
    private readonly maxClients = 100_000,
  ) {}

  /** Takes one token for `key` at `nowMs`; returns 0 when allowed, else the seconds until a token is available. */
  take(key: string, nowMs: number): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: this.burst, updatedMs: nowMs };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.updatedMs) / 1000) * this.ratePerSec);
      bucket.updatedMs = nowMs;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSec));
  }
}
