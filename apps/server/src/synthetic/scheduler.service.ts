import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { scheduleTiming } from '@parallax/journeys';
import { PeriodicJob } from '../common/periodic-job';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { JourneyRepository } from './journey.repository';
import { RunRepository, type NewRun } from './run.repository';
import { slotsBetween } from './slots';

/** Slots are inserted this far ahead, so a run is queued before it is due. */
const LOOKAHEAD_MS = 10_000;
/** At start, slots due this recently are still scheduled (a restart does not skip them). */
const CATCH_UP_MS = 60_000;
/** A dead agent's run is re-queued this many times, then marked lost. */
const MAX_REQUEUES = 2;

/**
 * Inserts due (journey, location, slot) runs under a unique key, so several replicas never double-schedule;
 * expires leases of dead agents (re-queue, then lost) and marks runs nobody claimed as lost, with the reason.
 */
@Injectable()
export class SchedulerService implements OnModuleInit {
  private readonly logger = new Logger('Scheduler');
  /** Slots this replica already inserted (or saw taken), so each is attempted once per replica. */
  private readonly scheduled = new Map<string, number>();
  private readonly job = new PeriodicJob(this.logger, 'scheduler tick', (nowMs: number) => this.pass(nowMs));

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly journeys: JourneyRepository,
    private readonly runs: RunRepository,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    this.job.every(this.scheduler, 'synthetic-scheduler', this.config.schedulerTickMs, () => [Date.now()]);
  }

  /** One scheduler pass; returns how many runs it inserted. */
  async tick(nowMs: number): Promise<number> {
    return (await this.job.run(nowMs)) ?? 0;
  }

  private async pass(nowMs: number): Promise<number> {
    const inserted = await this.scheduleSlots(nowMs);
    const { requeued, lost } = await this.runs.expireLeases(MAX_REQUEUES);
    for (const r of requeued) this.logger.warn({ msg: 'lease expired; run re-queued', runId: r.id, location: r.location });
    for (const r of lost) this.logger.warn({ msg: 'run lost', runId: r.id, location: r.location, reason: r.error });
    for (const r of await this.runs.expireUnclaimed(this.config.runMaxWaitMs)) {
      this.logger.warn({ msg: 'run lost', runId: r.id, location: r.location, reason: r.error });
    }
    return inserted;
  }

  private async scheduleSlots(nowMs: number): Promise<number> {
    const fromMs = nowMs - CATCH_UP_MS;
    const toMs = nowMs + LOOKAHEAD_MS;
    const candidates: NewRun[] = [];
    for (const journey of await this.journeys.listEnabled()) {
      for (const location of journey.locations) {
        const { timezone } = scheduleTiming(journey.definition.schedule);
        // A journey does not owe runs for the time before it existed.
        const journeyFromMs = Math.max(fromMs, journey.createdAt.getTime());
        for (const slot of slotsBetween({ intervalMs: journey.intervalMs, cron: journey.cron, timezone }, `${journey.id}|${location}`, journeyFromMs, toMs)) {
          const key = `${journey.id}|${location}|${slot}`;
          if (this.scheduled.has(key)) continue;
          this.scheduled.set(key, slot);
          // A slot first seen long after it passed (journey just created) is not worth running late.
          if (slot < nowMs - CATCH_UP_MS) continue;
          candidates.push({
            siteId: journey.siteId,
            journeyId: journey.id,
            location,
            slot: new Date(slot),
            attempt: 0,
            trigger: 'schedule',
            dueAt: new Date(slot),
            journeyHash: journey.contentHash,
          });
        }
      }
    }
    for (const [key, slot] of this.scheduled) if (slot < fromMs) this.scheduled.delete(key);
    if (!candidates.length) return 0;
    const inserted = await this.runs.insertMany(candidates);
    return inserted.length;
  }
}
