/** Raised when the writer's queue is full: the caller answers 503 and the client retries later. */
export class WriterOverloadedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('The collector is overloaded; retry later');
    this.name = 'WriterOverloadedError';
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
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
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

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

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
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
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
    try {
      await this.flushOrSplit(batch);
    } finally {
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
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length > 1 && this.options.isItemError?.(error)) {
        const half = Math.ceil(batch.length / 2);
        await this.flushOrSplit(batch.slice(0, half));
        await this.flushOrSplit(batch.slice(half));
      } else {
        for (const p of batch) p.reject(error);
      }
    }
  }
}
