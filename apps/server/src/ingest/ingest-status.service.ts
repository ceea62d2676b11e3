import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { INGEST_REJECT_REASONS, type IngestRejectReason, type IngestStatus } from '@parallax/contracts';
import { jobFailureLevel } from '../database/database-errors';
import { IngestCounters } from './ingest-counters';
import { IngestStatusRepository } from './ingest-status.repository';

const FLUSH_INTERVAL_MS = 5_000;
const HOUR_MS = 3_600_000;
/** Counters are kept this long (the status looks back one hour). */
export const INGEST_COUNTERS_RETENTION_MS = 2 * 86_400_000;

/**
 * Is the snippet reaching the collector? Counts stored and refused beacons per site in memory (no database work per
 * beacon) and adds them to `ingest_counters` every few seconds, so the status sums every replica.
 */
@Injectable()
export class IngestStatusService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('IngestStatus');
  private readonly counters = new IngestCounters();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly repository: IngestStatusRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  accepted(siteId: string, count: number, nowMs = Date.now()): void {
    this.counters.accepted(siteId, count, nowMs);
  }

  /** A refused request: counted for its site when the key named one, else for the sites that allow its Origin. */
  rejected(reason: IngestRejectReason, siteId: string | undefined, origin: string | undefined, nowMs = Date.now()): void {
    if (siteId) this.counters.rejected({ siteId }, reason, nowMs);
    else if (origin) this.counters.rejected({ origin: origin.slice(0, 300) }, reason, nowMs);
  }

  /** Adds what was counted since the last flush to the table; a failed flush keeps its counts for the next. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const entries = this.counters.take();
    if (entries.length === 0) return Promise.resolve();
    this.flushing = this.repository
      .add(entries)
      .catch((error: unknown) => {
        this.counters.restore(entries);
        this.logger[jobFailureLevel(error)]({ msg: 'ingest counters not flushed; will retry', error: (error as Error).message });
      })
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async status(siteId: string, nowMs = Date.now()): Promise<IngestStatus> {
    const sinceMs = nowMs - HOUR_MS;
    const stored = await this.repository.status(siteId, new Date(sinceMs));
    // This replica's counts not flushed yet, so a beacon sent a second ago already shows.
    const pending = this.counters.pendingFor(siteId, sinceMs);
    const lastMs = Math.max(stored.lastBeaconAt ? Date.parse(stored.lastBeaconAt) : 0, pending.lastBeaconMs ?? 0);
    return {
      lastBeaconAt: lastMs ? new Date(lastMs).toISOString() : null,
      acceptedLastHour: stored.acceptedLastHour + pending.accepted,
      rejected: Object.fromEntries(INGEST_REJECT_REASONS.map((r) => [r, stored.rejected[r] + pending.rejected[r]])) as IngestStatus['rejected'],
    };
  }

  async forgetBefore(before: Date): Promise<void> {
    await this.repository.deleteBefore(before);
  }
}
