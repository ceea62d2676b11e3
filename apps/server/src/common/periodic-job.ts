import type { Logger } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';
import { jobFailureLevel } from '../database/database-errors';

/**
 * One recurring background job: a pass never overlaps the previous one (a pass due while one runs is skipped),
 * and a pass that throws is logged as a warning (debug while the database is unavailable) and retried by the next. Passes may also be run directly
 * (tests, shutdown) under the same guard.
 */
export class PeriodicJob<A extends unknown[], T> {
  private running = false;

  constructor(
    private readonly logger: Logger,
    /** Says what failed, e.g. 'detector loop': logged as "<what> failed; will retry". */
    private readonly what: string,
    private readonly pass: (...args: A) => Promise<T>,
  ) {}

  /** Runs one pass; undefined when a pass was already running or this one failed. */
  async run(...args: A): Promise<T | undefined> {
    if (this.running) return undefined;
    this.running = true;
    try {
      return await this.pass(...args);
    } catch (error) {
      // during a database outage the outage monitor logs once; each job's failure is only debug
      this.logger[jobFailureLevel(error)]({ msg: `${this.what} failed; will retry`, error: (error as Error).message });
      return undefined;
    } finally {
      this.running = false;
    }
  }

  /** Runs a pass every `everyMs` under `name` in Nest's registry (which clears it at shutdown). */
  every(scheduler: SchedulerRegistry, name: string, everyMs: number, args: () => A): this {
    scheduler.addInterval(
      name,
      setInterval(() => void this.run(...args()), everyMs),
    );
    return this;
  }
}
