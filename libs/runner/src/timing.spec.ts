import { describe, expect, it } from 'vitest';
import { Backoff, Waker } from './timing';

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap, with at most half of each delay random', () => {
    const low = new Backoff(100, 1000, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff(100, 1000, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(() => high.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('starts over after reset()', () => {
    const b = new Backoff(100, 1000, () => 1);
    b.next();
    b.next();
    expect(b.consecutiveFailures).toBe(2);
    b.reset();
    expect(b.consecutiveFailures).toBe(0);
    expect(b.next()).toBe(100);
  });
});

describe('Waker', () => {
  it('ends a sleep early on wake(), and otherwise after its time', async () => {
    const waker = new Waker();
    const startMs = performance.now();
    const sleeping = waker.sleep(10_000);
    setTimeout(() => waker.wake(), 20);
    await sleeping;
    expect(performance.now() - startMs).toBeLessThan(1000);
    const t0 = performance.now();
    await waker.sleep(30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });
});
