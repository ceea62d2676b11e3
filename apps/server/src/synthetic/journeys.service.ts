import { slotsBetween } from './slots';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { relative, resolve } from 'node:path';
import { listJourneyFiles, parseJourney, scheduleTiming, type Journey } from '@parallax/journeys';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DomainError } from '../common/domain-error';
import { PeriodicJob } from '../common/periodic-job';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { SiteRepository } from '../sites/site.repository';
import { AgentRepository } from './agent.repository';
import { JourneyRepository, type JourneyRow } from './journey.repository';

const WATCH_DEBOUNCE_MS = 300;
/** The folder is also re-read this often: a file skipped for want of a site loads once the site exists. */
const RESYNC_MS = 30_000;

/** The API view of a journey. */
/** The earliest next scheduled run over the journey's locations (null when disabled or none within a week). */
function nextRunAt(j: JourneyRow): string | null {
  if (!j.enabled) return null;
  const now = Date.now();
  const next = j.locations
    .map((location) => slotsBetween({ intervalMs: j.intervalMs, cron: j.cron, timezone: (j.definition as { schedule?: { timezone?: string } } | null)?.schedule?.timezone ?? null }, `${j.id}|${location}`, now, now + 7 * 86_400_000, 1)[0])
    .filter((t): t is number => t !== undefined);
  return next.length ? new Date(Math.min(...next)).toISOString() : null;
}

export function toJourneyView(j: JourneyRow) {
  return {
    id: j.id,
    siteId: j.siteId,
    name: j.name,
    origin: j.origin,
    filePath: j.filePath,
    enabled: j.enabled,
    contentHash: j.contentHash,
    schedule: j.intervalMs ? { everyMs: j.intervalMs } : { cron: j.cron },
    locations: j.locations,
    definition: j.definition,
    yaml: j.sourceYaml,
    nextRunAt: nextRunAt(j),
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
  };
}

/** Journeys from YAML: validated, tied to a site, versioned by content hash; from the API and from a watched folder. */
@Injectable()
export class JourneysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Journeys');
  private watcher: FSWatcher | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly resync = new PeriodicJob(this.logger, 'journeys folder resync', (dir: string) => this.syncFolder(dir));
  /** Last problem reported per file, so a file that stays invalid is reported once, not at every resync. */
  private readonly reported = new Map<string, string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly journeys: JourneyRepository,
    private readonly sites: SiteRepository,
    private readonly agents: AgentRepository,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    const dir = this.config.journeysDir && resolve(this.config.journeysDir);
    if (!dir || !existsSync(dir)) return;
    await this.syncFolder(dir);
    this.resync.every(this.scheduler, 'journeys-resync', RESYNC_MS, () => [dir]);
    try {
      this.watcher = watch(dir, { recursive: true }, () => {
        clearTimeout(this.syncTimer);
        this.syncTimer = setTimeout(() => void this.syncFolder(dir), WATCH_DEBOUNCE_MS);
      });
    } catch (error) {
      this.logger.warn({ msg: 'cannot watch the journeys folder; changes need a restart', error: (error as Error).message });
    }
  }

  onModuleDestroy(): void {
    clearTimeout(this.syncTimer);
    this.watcher?.close();
  }

  /** Validates a journey's YAML and stores it (create or new version). */
  async save(yaml: string, opts: { origin: 'file' | 'api'; filePath?: string; siteId?: string; fileName?: string }): Promise<{ journey: JourneyRow; changed: boolean }> {
    const parsed = parseJourney(yaml, opts.fileName ?? opts.filePath ?? 'journey.yaml');
    if (!parsed.ok) {
      const first = parsed.errors[0];
      throw new DomainError('validation_failed', `yaml: ${first.file}:${first.line}:${first.col} ${first.schemaPath ? `${first.schemaPath}: ` : ''}${first.message}`, {
        field: 'yaml',
        errors: parsed.errors,
      });
    }
    const journey = parsed.journey;
    const siteId = await this.siteFor(journey, opts.siteId);
    for (const location of journey.locations) {
      // A location named by a journey exists from then on; it shows as stale until an agent of it connects.
      if (!(await this.agents.locationExists(location))) {
        await this.agents.upsertLocation({ name: location, region: '' });
        this.logger.log({ msg: 'location created for a journey; start an agent for it', location, journey: journey.name });
      }
    }
    const { intervalMs, cron } = scheduleTiming(journey.schedule);
    return this.journeys.upsert({
      siteId,
      name: journey.name,
      origin: opts.origin,
      filePath: opts.filePath ?? null,
      sourceYaml: yaml,
      definition: journey,
      contentHash: parsed.contentHash,
      intervalMs,
      cron,
      locations: journey.locations,
    });
  }

  /** The site of a journey: the one asked for, else the journey's `site` (name or key), else the only site there is. */
  private async siteFor(journey: Journey, siteId?: string): Promise<string> {
    if (siteId) {
      if (!(await this.sites.findById(siteId))) throw new DomainError('site_not_found', `No site with id ${siteId}`);
      return siteId;
    }
    const named = journey.site;
    const all = await this.sites.list();
    if (named) {
      const site = all.find((s) => s.name === named || s.siteKey === named || s.id === named);
      if (!site) throw new DomainError('validation_failed', `site: no site named "${named}"`, { field: 'site' });
      return site.id;
    }
    if (all.length === 1) return all[0].id;
    throw new DomainError('validation_failed', `site: journey "${journey.name}" must name its site (site: <name or key>) when there is not exactly one site`, { field: 'site' });
  }

  /** Loads every journey file of `dir`; invalid files are reported with file:line:col and skipped; removed files are deleted. */
  async syncFolder(dir: string): Promise<{ loaded: string[]; failed: string[] }> {
    const loaded: string[] = [];
    const failed: string[] = [];
    const seen: string[] = [];
    for (const file of await listJourneyFiles(dir)) {
      const filePath = relative(dir, file);
      seen.push(filePath);
      try {
        const { journey, changed } = await this.save(readFileSync(file, 'utf8'), { origin: 'file', filePath, fileName: filePath });
        loaded.push(journey.name);
        this.reported.delete(filePath);
        if (changed) this.logger.log({ msg: 'journey loaded', file: filePath, journey: journey.name, hash: journey.contentHash.slice(0, 12) });
      } catch (error) {
        failed.push(filePath);
        const message = (error as Error).message;
        if (this.reported.get(filePath) !== message) {
          // A journey waiting for its site is expected (the examples wait for "demo-shop"); anything else is a problem.
          const waiting = error instanceof DomainError && error.details?.field === 'site';
          this.logger[waiting ? 'log' : 'warn']({ msg: waiting ? 'journey file waits for its site' : 'journey file skipped', file: filePath, reason: message });
        }
        this.reported.set(filePath, message);
      }
    }
    const removed = await this.journeys.deleteFileJourneysExcept(seen);
    if (removed.length) this.logger.log({ msg: 'journeys removed with their files', journeys: removed });
    return { loaded, failed };
  }

  async require(id: string): Promise<JourneyRow> {
    const journey = await this.journeys.findById(id);
    if (!journey) throw new DomainError('not_found', `No journey with id ${id}`);
    return journey;
  }

  list(siteId?: string): Promise<JourneyRow[]> {
    return this.journeys.list(siteId);
  }

  async setEnabled(id: string, enabled: boolean): Promise<JourneyRow> {
    await this.require(id);
    return (await this.journeys.setEnabled(id, enabled))!;
  }

  async delete(id: string): Promise<void> {
    await this.require(id);
    await this.journeys.delete(id);
  }
}
