import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';
import type { RunReport, RunStatus, RunTrigger } from '@parallax/contracts';

/** A run row as the services see it. */
export interface RunRow {
  siteId: string;
  id: string;
  journeyId: string;
  location: string;
  slot: Date;
  attempt: number;
  trigger: RunTrigger;
  retryOf: string | null;
  dueAt: Date;
  status: RunStatus;
  requeues: number;
  agentId: string | null;
  claimedAt: Date | null;
  leaseExpiresAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  journeyHash: string;
  error: string | null;
  steps: RunReport['steps'] | null;
  marks: RunReport['marks'] | null;
  consoleErrors: string[] | null;
  failedRequests: RunReport['failedRequests'] | null;
}

export interface NewRun {
  siteId: string;
  journeyId: string;
  location: string;
  slot: Date;
  attempt: number;
  trigger: RunRow['trigger'];
  retryOf?: string;
  dueAt: Date;
  journeyHash: string;
}

/** The select list of a run row, columns qualified by `alias` when given. */
function runColumns(alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return [
    `${a}site_id AS "siteId"`,
    `${a}id`,
    `${a}journey_id AS "journeyId"`,
    `${a}location`,
    `${a}slot`,
    `${a}attempt`,
    `${a}trigger`,
    `${a}retry_of AS "retryOf"`,
    `${a}due_at AS "dueAt"`,
    `${a}status`,
    `${a}requeues`,
    `${a}agent_id AS "agentId"`,
    `${a}claimed_at AS "claimedAt"`,
    `${a}lease_expires_at AS "leaseExpiresAt"`,
    `${a}started_at AS "startedAt"`,
    `${a}finished_at AS "finishedAt"`,
    `${a}duration_ms AS "durationMs"`,
    `${a}journey_hash AS "journeyHash"`,
    `${a}error`,
    `${a}steps`,
    `${a}marks`,
    `${a}console_errors AS "consoleErrors"`,
    `${a}failed_requests AS "failedRequests"`,
  ].join(', ');
}
const SELECT = runColumns();

/** All SQL on runs: idempotent scheduling, leased claiming, completion, lease expiry. */
@Injectable()
export class RunRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.dataSource, text, params);
  }

  /** Inserts runs; an existing (site, journey, location, slot, attempt) is left alone. Returns the runs inserted. */
  async insertMany(runs: NewRun[]): Promise<RunRow[]> {
    if (!runs.length) return [];
    return this.rows(
      `INSERT INTO runs (site_id, journey_id, location, slot, attempt, trigger, retry_of, due_at, journey_hash)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::int[], $6::text[], $7::uuid[], $8::timestamptz[], $9::text[])
       ON CONFLICT (site_id, journey_id, location, slot, attempt) DO NOTHING
       RETURNING ${SELECT}`,
      [
        runs.map((r) => r.siteId),
        runs.map((r) => r.journeyId),
        runs.map((r) => r.location),
        runs.map((r) => r.slot),
        runs.map((r) => r.attempt),
        runs.map((r) => r.trigger),
        runs.map((r) => r.retryOf ?? null),
        runs.map((r) => r.dueAt),
        runs.map((r) => r.journeyHash),
      ],
    );
  }

  /** Leases up to `max` due queued runs of `location` to `agentId` (FOR UPDATE SKIP LOCKED: agents never collide). */
  async claim(location: string, agentId: string, max: number, leaseMs: number): Promise<RunRow[]> {
    return this.rows(
      `UPDATE runs r SET status = 'running', agent_id = $2, claimed_at = now(), started_at = now(),
         lease_expires_at = now() + ($4 || ' milliseconds')::interval
       FROM (SELECT site_id, id FROM runs WHERE status = 'queued' AND location = $1 AND due_at <= now()
             ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
       WHERE r.site_id = due.site_id AND r.id = due.id
       RETURNING ${runColumns('r')}`,
      [location, agentId, max, String(leaseMs)],
    );
  }

  /** Extends the leases of runs an agent still holds. */
  async extendLeases(agentId: string, runIds: string[], leaseMs: number): Promise<void> {
    if (!runIds.length) return;
    await this.rows(
      `UPDATE runs SET lease_expires_at = now() + ($3 || ' milliseconds')::interval
       WHERE agent_id = $1 AND status = 'running' AND id = ANY($2::uuid[])`,
      [agentId, runIds, String(leaseMs)],
    );
  }

  /** Runs whose lease expired go back to the queue (due now), or are marked lost after `maxRequeues`. */
  async expireLeases(maxRequeues: number): Promise<{ requeued: RunRow[]; lost: RunRow[] }> {
    const rows: RunRow[] = await this.rows(
      `UPDATE runs SET
         status = CASE WHEN requeues < $1 THEN 'queued' ELSE 'lost' END,
         requeues = requeues + 1,
         due_at = CASE WHEN requeues < $1 THEN now() ELSE due_at END,
         error = CASE WHEN requeues < $1 THEN error ELSE 'the agent running it stopped answering (lease expired ' || (requeues + 1) || ' times)' END,
         finished_at = CASE WHEN requeues < $1 THEN NULL ELSE now() END,
         agent_id = NULL, lease_expires_at = NULL, claimed_at = NULL, started_at = NULL
       WHERE status = 'running' AND lease_expires_at < now()
       RETURNING ${SELECT}`,
      [maxRequeues],
    );
    return { requeued: rows.filter((r) => r.status === 'queued'), lost: rows.filter((r) => r.status === 'lost') };
  }

  /** Queued runs nobody claimed within `maxWaitMs` of being due are marked lost, with the reason. */
  async expireUnclaimed(maxWaitMs: number): Promise<RunRow[]> {
    return this.rows(
      `UPDATE runs SET status = 'lost', finished_at = now(),
         error = 'no live agent in location ' || location || ' claimed it within ' || ($1::int / 1000) || ' s of being due'
       WHERE status = 'queued' AND due_at < now() - ($1 || ' milliseconds')::interval
       RETURNING ${SELECT}`,
      [String(maxWaitMs)],
    );
  }

  /** Stores a result, only for the agent holding the run's lease. Returns the updated row, or null. */
  async complete(runId: string, agentId: string, status: RunStatus, report: RunReport): Promise<RunRow | null> {
    const rows: RunRow[] = await this.rows(
      `UPDATE runs SET status = $3, finished_at = now(), duration_ms = $4, error = $5, steps = $6, marks = $7,
         console_errors = $8, failed_requests = $9, lease_expires_at = NULL, started_at = COALESCE($10::timestamptz, started_at)
       WHERE id = $1 AND agent_id = $2 AND status = 'running'
       RETURNING ${SELECT}`,
      [
        runId,
        agentId,
        status,
        Math.round(report.durationMs),
        report.error ?? report.steps.find((s) => s.status === 'failed' && s.error)?.error ?? null,
        JSON.stringify(report.steps),
        JSON.stringify(report.marks),
        JSON.stringify(report.consoleErrors),
        JSON.stringify(report.failedRequests),
        report.startedAt,
      ],
    );
    return rows[0] ?? null;
  }

  async saveArtifact(siteId: string, runId: string, kind: 'screenshot' | 'trace' | `step-${number}`, contentType: string, data: Buffer): Promise<void> {
    await this.rows(
      `INSERT INTO run_artifacts (site_id, run_id, kind, content_type, data) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (site_id, run_id, kind) DO UPDATE SET data = EXCLUDED.data, content_type = EXCLUDED.content_type`,
      [siteId, runId, kind, contentType, data],
    );
  }

  async artifact(runId: string, kind: string): Promise<{ contentType: string; data: Buffer } | null> {
    const rows = await this.rows<{ contentType: string; data: Buffer }>(`SELECT content_type AS "contentType", data FROM run_artifacts WHERE run_id = $1 AND kind = $2`, [runId, kind]);
    return rows[0] ?? null;
  }

  /** Kinds of the artifacts a run keeps (e.g. 'screenshot', 'step-3'). */
  async artifactKinds(runId: string): Promise<string[]> {
    const rows: { kind: string }[] = await this.rows(`SELECT kind FROM run_artifacts WHERE run_id = $1 ORDER BY kind`, [runId]);
    return rows.map((r) => r.kind);
  }

  /** Durations of the last `n` passed runs of a journey at a location (the degraded baseline). */
  async recentPassedDurations(journeyId: string, location: string, n = 20): Promise<number[]> {
    const rows: { d: number }[] = await this.rows(
      `SELECT duration_ms AS d FROM runs WHERE journey_id = $1 AND location = $2 AND status IN ('passed', 'degraded')
       AND duration_ms IS NOT NULL ORDER BY finished_at DESC LIMIT $3`,
      [journeyId, location, n],
    );
    return rows.map((r) => r.d);
  }

  async findById(runId: string): Promise<RunRow | null> {
    const rows = await this.rows<RunRow>(`SELECT ${SELECT} FROM runs WHERE id = $1`, [runId]);
    return rows[0] ?? null;
  }

  async list(filter: { siteId?: string; journeyId?: string; location?: string; status?: string; limit: number; before?: Date }): Promise<RunRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.siteId) add('site_id = ?', filter.siteId);
    if (filter.journeyId) add('journey_id = ?', filter.journeyId);
    if (filter.location) add('location = ?', filter.location);
    if (filter.status) add('status = ?', filter.status);
    if (filter.before) add('due_at < ?', filter.before);
    params.push(filter.limit);
    return this.rows(
      `SELECT ${SELECT} FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY due_at DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Runs that finished in [from, to) with a result worth judging (passed, failed, degraded, retried), with their steps. */
  finishedBetween(siteId: string, from: Date, to: Date): Promise<FinishedRun[]> {
    return this.rows<FinishedRun>(
      `SELECT id, location, finished_at AS "finishedAt", status, steps FROM runs WHERE site_id = $1 AND finished_at >= $2 AND finished_at < $3
       AND status IN ('passed', 'failed', 'degraded', 'retried')`,
      [siteId, from, to],
    );
  }
}

/** A finished run as the detector reads it. */
export interface FinishedRun {
  id: string;
  location: string;
  finishedAt: Date;
  status: RunStatus;
  steps: RunReport['steps'] | null;
}
