import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PeriodicJob } from '../common/periodic-job';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { SiteRepository } from '../sites/site.repository';
import { BeaconRepository, DEDUPE_HORIZON_MS } from './beacon.repository';
import { RollupRepository } from './rollup.repository';
import { SaltService } from './salt.service';
import { INGEST_COUNTERS_RETENTION_MS, IngestStatusService } from './ingest-status.service';

const DAY_MS = 86_400_000;

/** What one retention pass removed. */
export interface RetentionResult {
  droppedPartitions: string[];
  deletedBeacons: number;
  deletedRollups: number;
}
const RETENTION_LOCK_KEY = 0x50525445; // "PRTE"
/** Day partitions created ahead, so the hot path never waits for DDL. */
const DAYS_AHEAD = 2;

/** Enforces each site's retention: drops whole day partitions past the longest retention, deletes the rest per site. */
@Injectable()
export class RetentionService implements OnModuleInit {
  private readonly logger = new Logger('Retention');
  private readonly job = new PeriodicJob(this.logger, 'retention pass', (nowMs: number) => this.pass(nowMs));

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sites: SiteRepository,
    private readonly beacons: BeaconRepository,
    private readonly rollups: RollupRepository,
    private readonly salts: SaltService,
    private readonly scheduler: SchedulerRegistry,
    private readonly ingestStatus: IngestStatusService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.preparePartitions(Date.now());
    this.job.every(this.scheduler, 'retention', this.config.retentionIntervalMs, () => [Date.now()]);
  }

  /** Creates today's partition and the next days'. */
  async preparePartitions(nowMs: number): Promise<void> {
    const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
    for (let d = 0; d <= DAYS_AHEAD; d++) await this.beacons.ensurePartition(today + d * DAY_MS);
  }

  /** One retention pass, by one replica at a time. Returns what it removed. */
  run(nowMs: number): Promise<RetentionResult | undefined> {
    return this.job.run(nowMs);
  }

  private pass(nowMs: number): Promise<RetentionResult | undefined> {
    return this.rollups.withExclusiveLock(RETENTION_LOCK_KEY, async () => {
      await this.preparePartitions(nowMs);
      const sites = await this.sites.list();
      const longestDays = sites.length ? Math.max(...sites.map((s) => s.retentionDays)) : 0;
      const droppedPartitions: string[] = [];
      if (sites.length) {
        for (const p of await this.beacons.listPartitions()) {
          if (p.dayStartMs + DAY_MS <= nowMs - longestDays * DAY_MS) {
            await this.beacons.dropPartition(p.name);
            droppedPartitions.push(p.name);
          }
        }
      }
      let deletedBeacons = 0;
      let deletedRollups = 0;
      for (const site of sites) {
        const cutoff = new Date(nowMs - site.retentionDays * DAY_MS);
        if (site.retentionDays < longestDays) deletedBeacons += await this.beacons.deleteSiteBefore(site.id, cutoff);
        deletedRollups += await this.rollups.deleteSiteBefore(site.id, cutoff);
      }
      await this.salts.forgetOldSalts(nowMs);
      await this.beacons.forgetKeysBefore(new Date(nowMs - DEDUPE_HORIZON_MS));
      await this.ingestStatus.forgetBefore(new Date(nowMs - INGEST_COUNTERS_RETENTION_MS));
      if (droppedPartitions.length || deletedBeacons || deletedRollups) {
        this.logger.log({ msg: 'retention applied', droppedPartitions, deletedBeacons, deletedRollups });
      }
      return { droppedPartitions, deletedBeacons, deletedRollups };
    });
  }
}
