import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PeriodicJob } from '../common/periodic-job';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { BeaconRepository } from './beacon.repository';
import { RollupAggregator } from './rollup-aggregator';
import { RollupRepository } from './rollup.repository';
import { jobFailureLevel } from '../database/database-errors';

const MINUTE_MS = 60_000;
/** A minute is closed for compaction and reconciliation this long after it ends (flushes run every few seconds). */
export const ROLLUP_GRACE_MS = 2 * MINUTE_MS;
/** At start, how far back reconciliation looks for minutes whose rollups miss beacons (a replica that died with unflushed fragments). */
const STARTUP_RECONCILE_LOOKBACK_MS = 60 * MINUTE_MS;
const COMPACT_LOCK_KEY = 0x5041524c; // "PARL"

/**
 * Keeps rollups current and exact: flushes in-memory fragments every few seconds (fresh data within seconds),
 * compacts closed minutes into one row per key, and rebuilds from raw beacons any closed minute whose beacon
 * count disagrees with the raw table (fragments lost with a crashed replica).
 */
@Injectable()
export class RollupService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Rollups');
  private flushing: Promise<void> | undefined;
  private queuedFlush: Promise<void> | undefined;
  private readonly maintenance = new PeriodicJob(this.logger, 'rollup maintenance', (nowMs: number) => this.maintainPass(nowMs));
  /** End of the range reconciled last; each pass checks only minutes closed since (plus one tick of overlap). */
  private reconciledUntilMs: number | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly aggregator: RollupAggregator,
    private readonly rollups: RollupRepository,
    private readonly beacons: BeaconRepository,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    this.scheduler.addInterval('rollup-flush', setInterval(() => void this.flush(), this.config.rollupFlushMs));
    this.maintenance.every(this.scheduler, 'rollup-compact', this.config.rollupCompactMs, () => [Date.now()]);
  }

  /**
   * Writes the fragments gathered until now; on failure keeps them for the next flush. Called while a flush runs, it
   * runs one more after it (shared by every such caller), so whatever the caller saw committed is written when it
   * resolves: at shutdown, and for tests that flush and then query.
   */
  flush(): Promise<void> {
    if (this.flushing) {
      this.queuedFlush ??= this.flushing.then(() => {
        this.queuedFlush = undefined;
        return this.flush();
      });
      return this.queuedFlush;
    }
    this.flushing = (async () => {
      const fragments = this.aggregator.takeAll();
      try {
        await this.rollups.insertFragments(fragments);
      } catch (error) {
        this.aggregator.restore(fragments);
        this.logger[jobFailureLevel(error)]({ msg: 'rollup flush failed; will retry', fragments: fragments.length, error: (error as Error).message });
      }
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Compaction and reconciliation of closed minutes, by one replica at a time. */
  async maintain(nowMs: number): Promise<void> {
    await this.maintenance.run(nowMs);
  }

  private async maintainPass(nowMs: number): Promise<void> {
    await this.rollups.withExclusiveLock(COMPACT_LOCK_KEY, async () => {
      const closedBefore = new Date(Math.floor((nowMs - ROLLUP_GRACE_MS) / MINUTE_MS) * MINUTE_MS);
      const from = this.reconciledUntilMs === undefined ? closedBefore.getTime() - STARTUP_RECONCILE_LOOKBACK_MS : this.reconciledUntilMs - MINUTE_MS;
      await this.reconcile(new Date(from), closedBefore);
      // Fragments that reached minutes reconciled by an earlier pass would be compacted into
      // them unchecked: after a long outage, a retried flush counted a minute twice.
      for (const [start, end] of runsOfMinutes(await this.rollups.lateMinutes(new Date(from)))) await this.reconcile(new Date(start), new Date(end));
      this.reconciledUntilMs = closedBefore.getTime();
      await this.rollups.compactBefore(closedBefore);
    });
  }

  /** Rebuilds from raw beacons every site-minute in [from, to) whose rollup count differs from the raw count. */
  async reconcile(from: Date, to: Date): Promise<number> {
    const [raw, rolled] = await Promise.all([this.beacons.countsByMinute(from, to), this.rollups.beaconCounts(from, to)]);
    const rolledCount = new Map(rolled.map((r) => [`${r.siteId}|${r.source}|${r.minute}`, r.count]));
    const rawKeys = new Set(raw.map((r) => `${r.siteId}|${r.source}|${r.minute}`));
    const stale = [
      ...raw.filter((r) => rolledCount.get(`${r.siteId}|${r.source}|${r.minute}`) !== r.count),
      // Rollups with no raw rows left (a site's data deleted) are stale too.
      ...rolled.filter((r) => !rawKeys.has(`${r.siteId}|${r.source}|${r.minute}`)),
    ];
    for (const s of stale) {
      const rows = (await this.beacons.rowsOfMinute(s.siteId, s.minute)).filter((r) => (r.syntheticRunId ? 'synthetic' : 'rum') === s.source);
      const rebuilt = new RollupAggregator();
      for (let i = 0; i < rows.length; i++) {
        // A busy minute holds hundreds of thousands of rows: give the collector a turn now and then.
        if (i > 0 && i % 2_000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        rebuilt.add(rows[i]);
      }
      await this.rollups.replaceMinute(s.siteId, s.source, s.minute, rebuilt.takeAll());
    }
    if (stale.length) this.logger.log({ msg: 'rebuilt rollups from raw beacons', minutes: stale.length });
    return stale.length;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}

/** Sorted minute starts grouped into [start, end) ranges of consecutive minutes: one reconcile pass per range. */
export function runsOfMinutes(minutes: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const m of minutes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === m) last[1] = m + MINUTE_MS;
    else runs.push([m, m + MINUTE_MS]);
  }
  return runs;
}
