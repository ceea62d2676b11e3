/** Raised when the writer's queue is full: the caller answers 503 and the client retries later. */
export class WriterOverloadedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('The collector is overloaded; retry later');
    this.name = 'WriterOverloadedError';
  }
}

/**
 * Raised when an item was not committed within the writer's deadline (the database is slow or stalled): the
 * caller answers 503. The item may still be committed later by a flush that was already sent; the store must
 * therefore be idempotent, so that the client's retry does not store it twice.
 */
export class WriterDeadlineError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`Not committed within ${deadlineMs} ms; retry later`);
    this.name = 'WriterDeadlineError';
  }
}

export interface GroupCommitOptions {
  /** Most items in one flush (one INSERT statement). */
  maxBatch: number;
  /** Longest an item waits for companions before its batch is flushed. */
  maxDelayMs: number;
  /** Items waiting or in flight before new ones are refused; bounds memory when the database is slow or down. */
  maxPending: number;
  /** Flushes in flight at once (each holds one database connection). */
  maxConcurrentFlushes: number;
  /**
   * True when a failed flush was refused for its contents (a row the database would not take),
   * not for the database itself: the batch is then split and retried in halves, so only the
   * offending items fail and the others in the batch are still committed.
   */
  isItemError?: (error: unknown) => boolean;
  /** Longest a write waits (queued plus in flight) before it fails with WriterDeadlineError; none when unset. */
  deadlineMs?: number;
  nowMs?: () => number;
}

interface Pending<T> {
  item: T;
  enqueuedMs: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function settle<T>(p: Pending<T>, error?: unknown): void {
  if (p.settled) return;
  p.settled = true;
  if (error === undefined) p.resolve();
  else p.reject(error);
}

/**
 * Group commit: many concurrent writes become one flush (one INSERT, one commit), and each write's promise
 * settles only after its flush committed, so an acknowledged item is durable. No clock or database of its own.
 */
export class GroupCommitWriter<T> {
  private queue: Pending<T>[] = [];
  private inFlight = 0;
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {
    this.now = options.nowMs ?? Date.now;
  }

  /** Items accepted and not yet committed or failed. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Resolves once `item` is committed; rejects with the flush error or WriterOverloadedError. */
  write(item: T): Promise<void> {
    if (this.closed) return Promise.reject(new WriterOverloadedError(5));
    if (this.pendingCount >= this.options.maxPending) return Promise.reject(new WriterOverloadedError(this.retryAfterSeconds()));
    this.pendingCount++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, enqueuedMs: this.now(), settled: false, resolve, reject });
      this.schedule();
      this.startSweep();
    });
  }

  /**
   * While items wait in the queue (every flush slot is busy, e.g. on a stalled database), fails those past
   * the deadline so that their clients get a prompt 503 instead of waiting for the database to return.
   */
  private startSweep(): void {
    const deadlineMs = this.options.deadlineMs;
    if (deadlineMs === undefined || this.sweepTimer) return;
    this.sweepTimer = setInterval(
      () => {
        const cutoff = this.now() - deadlineMs;
        let expired = 0;
        while (expired < this.queue.length && this.queue[expired].enqueuedMs <= cutoff) expired++;
        if (expired > 0) {
          const gone = this.queue.splice(0, expired);
          this.pendingCount -= gone.length;
          for (const p of gone) settle(p, new WriterDeadlineError(deadlineMs));
          if (this.pendingCount === 0) for (const w of this.idleWaiters.splice(0)) w();
        }
        if (this.queue.length === 0) {
          clearInterval(this.sweepTimer);
          this.sweepTimer = undefined;
        }
      },
      Math.max(10, Math.floor(deadlineMs / 10)),
    );
    this.sweepTimer.unref?.();
  }

  /** Stops accepting writes and waits until everything accepted has been flushed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  /** Waits until nothing is queued or in flight. */
  drain(): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pump(true);
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private retryAfterSeconds(): number {
    return this.inFlight > 0 ? 2 : 5;
  }

  private schedule(): void {
    if (this.queue.length >= this.options.maxBatch) {
      this.pump(false);
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump(true);
      }, this.options.maxDelayMs);
    }
  }

  /** Starts flushes while there is capacity: full batches always, a partial batch when `includePartial`. */
  private pump(includePartial: boolean): void {
    while (this.inFlight < this.options.maxConcurrentFlushes && this.queue.length > 0) {
      if (!includePartial && this.queue.length < this.options.maxBatch) break;
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.run(batch);
    }
    if (this.queue.length > 0 && !this.timer && this.inFlight < this.options.maxConcurrentFlushes) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump(true);
      }, this.options.maxDelayMs);
    }
  }

  private async run(batch: Pending<T>[]): Promise<void> {
    // The flush may hang on a stalled database: its items fail at their deadline, the flush keeps its slot.
    let deadlineTimer: NodeJS.Timeout | undefined;
    const deadlineMs = this.options.deadlineMs;
    if (deadlineMs !== undefined) {
      const oldestMs = batch[0].enqueuedMs; // the queue is first in, first out
      deadlineTimer = setTimeout(
        () => {
          for (const p of batch) settle(p, new WriterDeadlineError(deadlineMs));
        },
        Math.max(0, oldestMs + deadlineMs - this.now()),
      );
    }
    try {
      await this.flushOrSplit(batch);
    } finally {
      clearTimeout(deadlineTimer);
      this.inFlight--;
      this.pendingCount -= batch.length;
      // Whatever queued up while this flush ran goes out now rather than after another delay.
      this.pump(true);
      if (this.pendingCount === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Flushes a batch and settles its items; a batch refused for an item is retried in halves (on the same connection slot). */
  private async flushOrSplit(batch: Pending<T>[]): Promise<void> {
    try {
      await this.flush(batch.map((p) => p.item));
      for (const p of batch) settle(p);
    } catch (error) {
      if (batch.length > 1 && this.options.isItemError?.(error)) {
        const half = Math.ceil(batch.length / 2);
        await this.flushOrSplit(batch.slice(0, half));
        await this.flushOrSplit(batch.slice(half));
      } else {
        for (const p of batch) settle(p, error);
      }
    }
  }
}
