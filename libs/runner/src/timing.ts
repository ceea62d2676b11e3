/** Exponential back-off with jitter: initialMs, 2x, 4x, ... capped at maxMs; reset() after a success. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt after one more failure. */
  next(): number {
    this.failures++;
    const ceilingMs = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures - 1, 30));
    // half fixed, half random: agents that lost the server together do not all come back at once
    return Math.round(ceilingMs / 2 + (this.random() * ceilingMs) / 2);
  }

  reset(): void {
    this.failures = 0;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}

/** A sleep that wake() ends early (a slot came free, the agent is stopping). */
export class Waker {
  private wakers = new Set<() => void>();

  /** Resolves after `ms`, or at the next wake(). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wakers.add(done);
    });
  }

  /** Ends every sleep in progress. */
  wake(): void {
    for (const done of [...this.wakers]) done();
  }
}
