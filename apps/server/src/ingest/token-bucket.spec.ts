import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('allows a burst, then refuses until tokens refill', () => {
    const buckets = new TokenBuckets(2, 3);
    expect([0, 0, 0].map(() => buckets.take('a', 0))).toEqual([0, 0, 0]);
    expect(buckets.take('a', 0)).toBeGreaterThan(0);
    expect(buckets.take('a', 499)).toBeGreaterThan(0);
    expect(buckets.take('a', 1_000)).toBe(0);
  });
  it('keeps clients apart', () => {
    const buckets = new TokenBuckets(1, 1);
    expect(buckets.take('a', 0)).toBe(0);
    expect(buckets.take('b', 0)).toBe(0);
    expect(buckets.take('a', 0)).toBe(1);
  });
  it('forgets the oldest clients beyond its bound', () => {
    const buckets = new TokenBuckets(1, 1, 2);
    buckets.take('a', 0);
    buckets.take('b', 0);
    buckets.take('c', 0);
    expect(buckets.take('a', 0)).toBe(0);
  });
});
