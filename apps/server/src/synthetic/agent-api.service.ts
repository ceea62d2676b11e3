import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AgentHeartbeat, AgentRegistration, AgentSession, ClaimedRun, RunReport, RunStatus } from '@parallax/contracts';
import { loadSnippetBundles } from '@parallax/snippet';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { DomainEvents } from '../live/domain-events';
import { SiteRepository } from '../sites/site.repository';
import { AgentRepository } from './agent.repository';
import { JourneyRepository } from './journey.repository';
import { RunRepository, type RunRow } from './run.repository';
import { isDegraded, withLocationDefaults } from './slots';

/** A location whose agents have not been seen for this long is stale. */
export const AGENT_STALE_MS = 30_000;
const POLL_MS = 1_000;
const MAX_SCREENSHOT_BYTES = 600 * 1024;

/** The agent protocol: register, heartbeat, claim (leased), report. Shared by HTTP agents and the in-process one. */
@Injectable()
export class AgentApiService {
  private readonly logger = new Logger('Agents');
  private snippet: { bundle: string; hash: string } | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly agents: AgentRepository,
    private readonly runs: RunRepository,
    private readonly journeys: JourneyRepository,
    private readonly sites: SiteRepository,
    private readonly events: DomainEvents,
  ) {}

  async register(reg: AgentRegistration): Promise<AgentSession> {
    if (!(await this.agents.locationExists(reg.location))) {
      throw new DomainError('validation_failed', `location: unknown location "${reg.location}"; create it with PUT /api/locations/${reg.location}`, { field: 'location' });
    }
    const agentId = await this.agents.register(reg);
    this.logger.log({ msg: 'agent registered', agentId, location: reg.location, name: reg.name, concurrency: reg.concurrency });
    return { agentId, heartbeatMs: Math.floor(this.config.runLeaseMs / 3), leaseMs: this.config.runLeaseMs, pollMs: POLL_MS };
  }

  async heartbeat(hb: AgentHeartbeat): Promise<void> {
    await this.requireAgent(hb.agentId);
    await this.runs.extendLeases(hb.agentId, hb.runningRunIds, this.config.runLeaseMs);
  }

  /** Leases due runs of the agent's location; `collectUrl` is where the injected snippet sends its beacons. */
  async claim(agentId: string, max: number, collectUrl: string): Promise<ClaimedRun[]> {
    const location = await this.requireAgent(agentId);
    const claimed = await this.runs.claim(location, agentId, Math.max(0, Math.min(max, 32)), this.config.runLeaseMs);
    const defaults = claimed.length ? await this.agents.locationDefaults(location) : undefined;
    const out: ClaimedRun[] = [];
    for (const run of claimed) {
      const [journey, site] = await Promise.all([this.journeys.findById(run.journeyId), this.sites.findById(run.siteId)]);
      if (!journey || !site) continue;
      out.push({
        runId: run.id,
        siteId: run.siteId,
        siteKey: site.siteKey,
        journeyId: journey.id,
        journeyName: journey.name,
        journey: withLocationDefaults(journey.definition, defaults),
        baseUrl: journey.definition.baseUrl ?? null,
        collectUrl,
        attempt: run.attempt,
        dueAt: run.dueAt.toISOString(),
        leaseExpiresAt: run.leaseExpiresAt!.toISOString(),
      });
    }
    return out;
  }

  /** Stores a result from the agent holding the lease: passed, degraded, retried (first failure) or failed. */
  async report(runId: string, report: RunReport): Promise<{ status: RunStatus }> {
    await this.requireAgent(report.agentId);
    const run = await this.runs.findById(runId);
    if (!run) throw new DomainError('not_found', `No run with id ${runId}`);
    const status = await this.statusOf(run, report);
    const stored = await this.runs.complete(runId, report.agentId, status, report);
    if (!stored) throw new DomainError('conflict', 'This agent no longer holds the run (its lease expired and the run was re-queued)');
    if (report.screenshotBase64) {
      const image = Buffer.from(report.screenshotBase64, 'base64');
      if (image.length <= MAX_SCREENSHOT_BYTES) await this.runs.saveArtifact(run.siteId, run.id, 'screenshot', 'image/jpeg', image);
    }
    // Images of `screenshot:` steps are kept too, one artifact per step.
    for (const shot of report.stepScreenshots ?? []) {
      const image = Buffer.from(shot.base64, 'base64');
      if (image.length <= MAX_SCREENSHOT_BYTES) await this.runs.saveArtifact(run.siteId, run.id, `step-${shot.stepIndex}`, 'image/jpeg', image);
    }
    if (status === 'retried') await this.scheduleRetry(run);
    const journey = await this.journeys.findById(run.journeyId);
    this.events.emit('run.completed', {
      siteId: run.siteId,
      runId: run.id,
      journeyId: run.journeyId,
      journeyName: journey?.name ?? '',
      location: run.location,
      status,
      durationMs: stored.durationMs,
      finishedAt: (stored.finishedAt ?? new Date()).toISOString(),
    });
    return { status };
  }

  /** The core snippet bundle agents inject into synthetic runs. */
  snippetBundle(): { bundle: string; hash: string } {
    try {
      if (!this.snippet) {
        const b = loadSnippetBundles();
        this.snippet = { bundle: b.core, hash: b.coreHash };
      }
      return this.snippet;
    } catch (error) {
      throw new DomainError('unavailable', (error as Error).message);
    }
  }

  private async statusOf(run: RunRow, report: RunReport): Promise<RunStatus> {
    if (report.status === 'passed') {
      const baseline = await this.runs.recentPassedDurations(run.journeyId, run.location);
      return isDegraded(report.durationMs, baseline) ? 'degraded' : 'passed';
    }
    // A first failure is retried once (from another live location where there is one) before it counts.
    return run.trigger === 'retry' || run.attempt > 0 ? 'failed' : 'retried';
  }

  private async scheduleRetry(run: RunRow): Promise<void> {
    const journey = await this.journeys.findById(run.journeyId);
    if (!journey) return;
    const live = await this.agents.liveLocations(AGENT_STALE_MS);
    const other = journey.locations.find((l) => l !== run.location && live.includes(l)) ?? live.find((l) => l !== run.location && journey.locations.includes(l));
    const location = other ?? run.location;
    await this.runs.insertMany([
      { siteId: run.siteId, journeyId: run.journeyId, location, slot: run.slot, attempt: run.attempt + 1, trigger: 'retry', retryOf: run.id, dueAt: new Date(), journeyHash: run.journeyHash },
    ]);
    this.logger.log({ msg: 'failed run retried', runId: run.id, location });
  }

  private async requireAgent(agentId: string): Promise<string> {
    const location = await this.agents.touch(agentId);
    if (!location) throw new DomainError('unauthorized', 'Unknown agent; register again');
    return location;
  }
}
