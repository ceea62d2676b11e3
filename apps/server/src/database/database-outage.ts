import { isDatabaseUnavailable } from './database-errors';

/** Where the monitor writes its two lines per outage (and per-request detail at debug). */
export interface OutageLogger {
  warn(entry: Record<string, unknown>): void;
  log(entry: Record<string, unknown>): void;
  debug(entry: Record<string, unknown>): void;
}

export interface OutageOptions {
  /** How often a database that is down is probed. */
  probeIntervalMs: number;
  /** Seconds clients are told to wait (Retry-After) while the database is down. */
  retryAfterSeconds: number;
  nowMs?: () => number;
}

/**
 * Knows whether the database is down, so that the collector and the API refuse at once (503 + Retry-After)
 * instead of waiting on a database that does not answer, and so that an outage is logged once when it starts
 * and once when it ends (with how many requests were refused), not once per request.
 * An outage starts on a connection error, or when a deadline passed and a probe then fails too (a stalled
 * server accepts TCP connections and never answers); it ends when a probe succeeds.
 */
export class DatabaseOutageMonitor {
  private downSinceMs: number | undefined;
  private reason = '';
  private rejectedCount = 0;
  private probing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(
    private readonly probe: () => Promise<void>,
    private readonly logger: OutageLogger,
    private readonly options: OutageOptions,
  ) {
    this.now = options.nowMs ?? Date.now;
  }

  /** True while the database is known to be unavailable. */
  get down(): boolean {
    return this.downSinceMs !== undefined;
  }

  get retryAfterSeconds(): number {
    return this.options.retryAfterSeconds;
  }

  /** A request was refused because the database is down (counted, logged at debug only). */
  rejected(what: string): void {
    this.rejectedCount++;
    this.logger.debug({ msg: 'request refused: database unavailable', what });
  }

  /**
   * Something failed with `error`. Returns true when it is a database availability error (the caller answers
   * 503), which starts an outage if none is on; other errors return false and are left to the caller.
   */
  failed(error: unknown, what: string): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    if (!this.down) this.start(errorText(error));
    this.rejected(what);
    return true;
  }

  /** A deadline passed while waiting on the database: probe it now, and start an outage if it does not answer. */
  suspect(what: string): void {
    this.rejectedCount += this.down ? 0 : 1; // counted in the outage if one starts
    if (this.down) {
      this.rejected(what);
      return;
    }
    this.logger.debug({ msg: 'database deadline passed; probing', what });
    void this.runProbe('no answer within the deadline');
  }

  /** Probes every `intervalMs` while the database is up, so an outage without traffic is noticed too. */
  watch(intervalMs: number): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (!this.down) void this.runProbe('no answer to the heartbeat');
    }, intervalMs);
    this.heartbeat.unref?.();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
  }

  private start(reason: string): void {
    this.downSinceMs = this.now();
    this.reason = reason;
    this.logger.warn({ msg: 'database unavailable: refusing requests with 503 until it answers again', reason });
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runProbe(this.reason), this.options.probeIntervalMs);
    this.timer.unref?.();
  }

  private runProbe(reasonIfDown: string): Promise<void> {
    if (this.probing) return this.probing;
    this.probing = (async () => {
      try {
        await this.probe();
        if (this.down) {
          const outageMs = this.now() - this.downSinceMs!;
          this.logger.log({ msg: 'database available again', outageMs, rejectedRequests: this.rejectedCount, reason: this.reason });
          this.downSinceMs = undefined;
        }
        this.rejectedCount = 0;
      } catch (error) {
        if (!this.down) this.start(`${reasonIfDown}: ${errorText(error)}`);
        else this.schedule();
      } finally {
        this.probing = undefined;
      }
    })();
    return this.probing;
  }
}

function errorText(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? `${e.code} ` : '';
  return `${code}${typeof e?.message === 'string' ? e.message : String(error)}`.slice(0, 200);
}
