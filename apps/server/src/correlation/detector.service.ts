import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  correlate,
  detectRum,
  detectSynthetic,
  nextIncidentState,
  rumRanges,
  syntheticRange,
  type DetectConfig,
  type IncidentCandidate,
  type IncidentState,
  type RumMetric,
  type RumResult,
  type RumState,
  type SyntheticState,
} from '@parallax/detect';
import type { SiteEntity } from '@parallax/db';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { RollupRepository } from '../ingest/rollup.repository';
import { DomainEvents } from '../live/domain-events';
import { SiteRepository } from '../sites/site.repository';
import { DeploymentRepository } from './deployment.repository';
import { rumVerdict, syntheticVerdict } from './detection-status';
import { DetectorRepository } from './detector.repository';
import { IncidentRepository, type IncidentFields, type IncidentRow } from './incident.repository';
import { IncidentViewsService } from './incident-views.service';
import { siteDetectSettings } from './site-detect-config';
import { jobFailureLevel } from '../database/database-errors';

const MINUTE_MS = 60_000;
const VITALS: RumMetric[] = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'];
const DETECT_LOCK_KEY = 0x50444554; // "PDET"

/** What the lifecycle keeps per open incident, plus the id of its row. */
type StoredIncident = IncidentState & { incidentId: string };

/** The incident row fields of a lifecycle state. */
export function incidentFields(siteId: string, i: IncidentState): IncidentFields {
  const rum = i.rum?.evidence;
  const regressed = i.synthetic?.perLocation.filter((l) => l.regressed) ?? [];
  const median = (values: (number | null)[]) => {
    const xs = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
    return xs.length ? xs[Math.floor(xs.length / 2)] : null;
  };
  return {
    siteId,
    route: i.route,
    metric: i.metric,
    label: i.kind === 'failure' ? 'failing' : i.label,
    summary: i.summary,
    onsetAt: new Date(i.onsetAt),
    evidence: {
      changePct: i.changePct,
      peakChangePct: i.peakChangePct,
      provisional: i.provisional,
      reason: i.reason,
      // Flat numbers for lists and feeds: real-user p75 when there is one, else the lab medians.
      baselineP75: rum?.baselineP75 ?? median(regressed.map((l) => l.baselineMedian)),
      currentP75: rum?.currentP75 ?? median(regressed.map((l) => l.recentMedian)),
      ciLow: rum?.ciLow ?? null,
      ciOf: rum?.ciOf ?? null,
      shiftPct: rum?.shiftPct ?? null,
      ciHigh: rum?.ciHigh ?? null,
      nBaseline: rum?.nBaseline ?? regressed.reduce((s, l) => s + l.nBaseline, 0),
      nCurrent: rum?.nCurrent ?? regressed.reduce((s, l) => s + l.nRecent, 0),
      rum: i.rum ? { ...i.rum.evidence, scope: i.rum.scope } : null,
      synthetic: i.synthetic,
      failure: i.failure,
      suspectedChange: i.suspectedChange,
    },
    segments: (i.rum?.segments ?? []).map((s) => ({
      dim: s.dim,
      value: s.value,
      changePct: s.changePct,
      share: s.currentSharePct / 100,
      carries: s.carries,
      isNew: s.isNew,
      nCurrent: s.nCurrent,
    })),
    locations: i.failure?.failingLocations ?? i.synthetic?.locations ?? [],
    suspectedDeploymentId: i.suspectedChange?.id ?? null,
  };
}

/**
 * Runs the detectors of every site on its tick (one replica at a time): real-user regressions on rollups,
 * synthetic regressions and failures on run results, labels and deploy matching, then the incident lifecycle.
 */
@Injectable()
export class DetectorService implements OnModuleInit {
  private readonly logger = new Logger('Detector');
  private readonly lastTickMs = new Map<string, number>();
  private lastBeaconMinute = 0;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sites: SiteRepository,
    private readonly repo: DetectorRepository,
    private readonly rollups: RollupRepository,
    private readonly deployments: DeploymentRepository,
    private readonly incidents: IncidentRepository,
    private readonly views: IncidentViewsService,
    private readonly events: DomainEvents,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    this.scheduler.addInterval('detector', setInterval(() => void this.loop(Date.now()), this.config.detectLoopMs));
  }

  /** One pass: every site whose tick is due is judged. Returns the sites judged. */
  async loop(nowMs: number): Promise<string[]> {
    if (this.running) return [];
    this.running = true;
    try {
      return (
        (await this.rollups.withExclusiveLock(DETECT_LOCK_KEY, async () => {
          await this.emitBeaconCounts(nowMs);
          const judged: string[] = [];
          for (const site of await this.sites.list()) {
            const { tickSeconds, config } = siteDetectSettings(site.detectConfig);
            const last = this.lastTickMs.get(site.id) ?? 0;
            if (nowMs - last < tickSeconds * 1000 - this.config.detectLoopMs / 2) continue;
            this.lastTickMs.set(site.id, nowMs);
            try {
              await this.tickSite(site, config, nowMs);
              judged.push(site.id);
            } catch (error) {
              this.logger.error({ msg: 'detector tick failed', siteId: site.id, error: (error as Error).message, stack: (error as Error).stack });
            }
          }
          return judged;
        })) ?? []
      );
    } catch (error) {
      this.logger[jobFailureLevel(error)]({ msg: 'detector loop failed; will retry', error: (error as Error).message });
      return [];
    } finally {
      this.running = false;
    }
  }

  /** One tick of one site: detect, correlate, move incidents through their lifecycle, and keep every series' verdict. */
  async tickSite(site: Pick<SiteEntity, 'id'>, cfg: DetectConfig, now: number): Promise<IncidentCandidate[]> {
    const states = await this.repo.loadStates(site.id);
    const next = new Map<string, unknown>();

    const recentMs = Math.max(...cfg.rum.recentWindowsMinutes) * MINUTE_MS;
    const routes = new Set(await this.repo.rumRoutes(site.id, new Date(now - recentMs), new Date(now)));
    for (const [key, state] of states) {
      if (key.startsWith('rum|') && (state as RumState).active) routes.add(key.split('|')[1]);
    }
    const rumResults: RumResult[] = [];
    for (const route of routes) {
      for (const metric of VITALS) {
        const key = `rum|${route}|${metric}`;
        const previous = states.get(key) as RumState | undefined;
        const rollups = await this.repo.rumRollups(site.id, route, metric, rumRanges(cfg, now, previous));
        const result = detectRum({ route, metric, rollups }, cfg, now, previous);
        rumResults.push(result);
        next.set(key, result.state);
      }
    }

    const synthState = states.get('synthetic') as SyntheticState | undefined;
    const range = syntheticRange(cfg, now, synthState);
    const synthetic = detectSynthetic(await this.repo.syntheticRuns(site.id, new Date(range.fromMs), new Date(range.toMs)), cfg, now, synthState);
    next.set('synthetic', synthetic.state);

    const lookbackMs = (cfg.correlation.deployLookbackMinutes + Math.max(...cfg.rum.recentWindowsMinutes) + 24 * 60) * MINUTE_MS;
    const deployments = (await this.deployments.list({ siteId: site.id, from: new Date(now - lookbackMs), to: new Date(now + MINUTE_MS), limit: 500 })).map((d) => ({
      id: d.id,
      at: d.at.getTime(),
      version: d.version,
      kind: d.kind,
      ...(d.description ? { description: d.description } : {}),
    }));
    const candidates = correlate(rumResults, synthetic, deployments, cfg);
    await this.applyLifecycle(site.id, candidates, states, next, cfg, now);
    await this.repo.saveStates(site.id, next);
    // Every verdict, "not enough data" included, so thin traffic is visible instead of silent.
    const verdicts = [...rumResults.map((r) => rumVerdict(r, cfg.rum)), ...synthetic.series.map((s) => syntheticVerdict(s, cfg.synthetic))];
    await this.repo.saveVerdicts(site.id, verdicts, new Date(now));
    return candidates;
  }

  private async applyLifecycle(siteId: string, candidates: IncidentCandidate[], states: Map<string, unknown>, next: Map<string, unknown>, cfg: DetectConfig, now: number): Promise<void> {
    const byKey = new Map(candidates.map((c) => [`incident|${c.key}`, c]));
    const keys = new Set([...byKey.keys(), ...[...states.keys()].filter((k) => k.startsWith('incident|'))]);
    const done: string[] = [];
    for (const key of keys) {
      const open = states.get(key) as StoredIncident | undefined;
      const step = nextIncidentState(open, byKey.get(key), now, cfg);
      const incident = step.incident;
      if (!incident) continue;
      let row: IncidentRow | null = null;
      if (step.transition === 'opened') {
        const fields = incidentFields(siteId, incident);
        row = (await this.incidents.open(fields)) ?? (await this.adoptOpen(fields));
        if (row) this.events.emit('incident.opened', await this.views.view(row));
      } else if (open?.incidentId && step.transition === 'updated') {
        const fields = incidentFields(siteId, incident);
        row = await this.incidents.update(open.incidentId, fields);
        if (row) this.events.emit('incident.updated', await this.views.view(row));
      } else if (open?.incidentId && step.transition === 'resolved') {
        row = await this.incidents.resolve(open.incidentId, `Recovered: ${incident.summary}`);
        if (row) this.events.emit('incident.resolved', await this.views.view(row));
      }
      const incidentId = row?.id ?? open?.incidentId;
      if (incident.status === 'resolved' || !incidentId) {
        done.push(key);
        next.delete(key);
      } else {
        next.set(key, { ...incident, incidentId });
      }
    }
    await this.repo.deleteStates(siteId, done);
  }

  /** An incident of the same key already open in the database (state lost, or another replica): take it over. */
  private async adoptOpen(fields: IncidentFields): Promise<IncidentRow | null> {
    const existing = await this.incidents.findOpen(fields.siteId, fields.route, fields.metric, fields.label);
    return existing ? this.incidents.update(existing.id, fields) : null;
  }

  /** Beacons per site of the last closed minute, for the live feed. */
  private async emitBeaconCounts(nowMs: number): Promise<void> {
    const minute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
    if (minute <= this.lastBeaconMinute) return;
    this.lastBeaconMinute = minute;
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
