import { Injectable } from '@nestjs/common';
import type { RunView } from '@parallax/contracts';
import { DomainError } from '../common/domain-error';
import { BeaconRepository } from '../ingest/beacon.repository';
import type { JourneyRow } from './journey.repository';
import { RunRepository, type RunRow } from './run.repository';

/** The API view of a run. */
export function toRunView(r: RunRow): RunView {
  return {
    id: r.id,
    siteId: r.siteId,
    journeyId: r.journeyId,
    location: r.location,
    status: r.status,
    trigger: r.trigger,
    attempt: r.attempt,
    retryOf: r.retryOf,
    slot: r.slot.toISOString(),
    dueAt: r.dueAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.durationMs,
    error: r.error,
    journeyHash: r.journeyHash,
    steps: r.steps,
    marks: r.marks,
    consoleErrors: r.consoleErrors,
    failedRequests: r.failedRequests,
  };
}

@Injectable()
export class RunsService {
  constructor(
    private readonly runs: RunRepository,
    private readonly beacons: BeaconRepository,
  ) {}

  /** Queues one manual run per location of the journey, due now. */
  async runNow(journey: JourneyRow) {
    const now = new Date();
    const rows = await this.runs.insertMany(
      journey.locations.map((location) => ({
        siteId: journey.siteId,
        journeyId: journey.id,
        location,
        slot: now,
        attempt: 0,
        trigger: 'manual' as const,
        dueAt: now,
        journeyHash: journey.contentHash,
      })),
    );
    return rows.map(toRunView);
  }

  async get(id: string) {
    const run = await this.require(id);
    // Lab vitals arrive as synthetic beacons tagged with the run id, through the same collector as real users.
    const vitals = (await this.beacons.labVitals(run.siteId, [run.id])).map(({ runId: _runId, ...v }) => v);
    // Steps whose screenshot is kept name their artifact (GET /api/runs/:id/artifacts/:name).
    const kinds = new Set(await this.runs.artifactKinds(run.id));
    const view = toRunView(run);
    const steps = view.steps?.map((s) => (kinds.has(`step-${s.index}`) ? { ...s, artifact: `step-${s.index}` } : s)) ?? null;
    return { ...view, steps, hasScreenshot: kinds.has('screenshot'), vitals };
  }

  /** One stored image of a run: its failure screenshot or a `screenshot:` step's (step-<index>). */
  async artifact(id: string, kind: string) {
    await this.require(id);
    if (!/^(screenshot|step-\d{1,4})$/.test(kind)) throw new DomainError('validation_failed', 'name: must be screenshot or step-<index>', { field: 'name' });
    const artifact = await this.runs.artifact(id, kind);
    if (!artifact) throw new DomainError('not_found', `This run has no artifact ${kind}`);
    return artifact;
  }

  async require(id: string): Promise<RunRow> {
    const run = await this.runs.findById(id);
    if (!run) throw new DomainError('not_found', `No run with id ${id}`);
    return run;
  }

  async screenshot(id: string) {
    await this.require(id);
    const artifact = await this.runs.artifact(id, 'screenshot');
    if (!artifact) throw new DomainError('not_found', 'This run has no screenshot (only failed runs do)');
    return artifact;
  }
}
