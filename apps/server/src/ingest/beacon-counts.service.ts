import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PeriodicJob } from '../common/periodic-job';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { RollupRepository } from './rollup.repository';
import { DomainEvents } from '../live/domain-events';

const MINUTE_MS = 60_000;
const BEACON_COUNTS_LOCK_KEY = 0x50424d43; // "PBMC"

/**
 * The live feed's `beacons.minute`: beacons per site of the last closed minute, all replicas together, emitted
 * by one replica at a time (the others' clients get it through the socket.io adapter).
 */
@Injectable()
export class BeaconCountsService implements OnModuleInit {
  private readonly logger = new Logger('Live');
  private lastMinute = 0;
  private readonly job = new PeriodicJob(this.logger, 'beacon counts', (nowMs: number) =>
    this.rollups.withExclusiveLock(BEACON_COUNTS_LOCK_KEY, () => this.emitLastMinute(nowMs)),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rollups: RollupRepository,
    private readonly events: DomainEvents,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    this.job.every(this.scheduler, 'beacon-counts', this.config.detectLoopMs, () => [Date.now()]);
  }

  async tick(nowMs: number): Promise<void> {
    await this.job.run(nowMs);
  }

  private async emitLastMinute(nowMs: number): Promise<void> {
    const minute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
    if (minute <= this.lastMinute) return;
    this.lastMinute = minute;
    const counts = await this.rollups.beaconCounts(new Date(minute), new Date(minute + MINUTE_MS));
    const bySite = new Map<string, { count: number; syntheticCount: number }>();
    for (const c of counts) {
      const entry = bySite.get(c.siteId) ?? { count: 0, syntheticCount: 0 };
      if (c.source === 'rum') entry.count += c.count;
      else entry.syntheticCount += c.count;
      bySite.set(c.siteId, entry);
    }
    for (const [siteId, c] of bySite) this.events.emit('beacons.minute', { siteId, minute: new Date(minute).toISOString(), ...c });
  }
}
