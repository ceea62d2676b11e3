import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { requireUuid } from '../common/uuid';
import { queryRows } from '../database/sql';
import type { JourneyRow } from './journey.repository';
import { RunRepository, type RunRow } from './run.repository';

/** The API view of a run. */
export function toRunView(r: RunRow) {
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
    private readonly dataSource: DataSource,
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
    const vitals = await queryRows(
      this.dataSource,
      `SELECT route, path, seq, lcp, inp, cls, fcp, ttfb, dns, tcp, tls, request, response, dom_content_loaded AS "domContentLoaded", load
       FROM beacons WHERE site_id = $1 AND synthetic_run_id = $2 ORDER BY received_at, seq`,
      [run.siteId, run.id],
    );
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
    requireUuid(id);
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
