import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { IncidentEvidence, IncidentLabel, IncidentSegment, IncidentStatus } from '@parallax/contracts';
import { queryRows } from '../database/sql';

export type { IncidentLabel, IncidentStatus };

/** A stored incident with its evidence. */
export interface IncidentRow {
  siteId: string;
  id: string;
  route: string;
  metric: string;
  label: IncidentLabel;
  status: IncidentStatus;
  summary: string;
  onsetAt: Date;
  openedAt: Date;
  updatedAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  evidence: IncidentEvidence;
  segments: IncidentSegment[];
  locations: string[];
  suspectedDeploymentId: string | null;
}

export type IncidentFields = Pick<IncidentRow, 'siteId' | 'route' | 'metric' | 'label' | 'summary' | 'onsetAt' | 'evidence' | 'segments' | 'locations' | 'suspectedDeploymentId'>;

const SELECT = `site_id AS "siteId", id, route, metric, label, status, summary, onset_at AS "onsetAt", opened_at AS "openedAt",
  updated_at AS "updatedAt", acknowledged_at AS "acknowledgedAt", resolved_at AS "resolvedAt", evidence, segments, locations,
  suspected_deployment_id AS "suspectedDeploymentId"`;

/** All SQL on incidents; one open incident per site x route x metric x label is enforced by a unique index. */
@Injectable()
export class IncidentRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows(text: string, params: unknown[]): Promise<IncidentRow[]> {
    return queryRows<IncidentRow>(this.dataSource, text, params);
  }

  /** The unresolved incident of a key, if any. */
  async findOpen(siteId: string, route: string, metric: string, label: IncidentLabel): Promise<IncidentRow | null> {
    return (await this.rows(`SELECT ${SELECT} FROM incidents WHERE site_id = $1 AND route = $2 AND metric = $3 AND label = $4 AND status <> 'resolved'`, [siteId, route, metric, label]))[0] ?? null;
  }

  async listOpen(siteId: string): Promise<IncidentRow[]> {
    return this.rows(`SELECT ${SELECT} FROM incidents WHERE site_id = $1 AND status <> 'resolved'`, [siteId]);
  }

  /** Opens an incident; returns null when another replica opened the same key first. */
  async open(f: IncidentFields): Promise<IncidentRow | null> {
    const rows = await this.rows(
      `INSERT INTO incidents (site_id, route, metric, label, status, summary, onset_at, evidence, segments, locations, suspected_deployment_id)
       VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $10)
       ON CONFLICT (site_id, route, metric, label) WHERE status <> 'resolved' DO NOTHING RETURNING ${SELECT}`,
      [f.siteId, f.route, f.metric, f.label, f.summary, f.onsetAt, JSON.stringify(f.evidence), JSON.stringify(f.segments), f.locations, f.suspectedDeploymentId],
    );
    return rows[0] ?? null;
  }

  /** Updates an unresolved incident; the label may change (a one-sided label upgraded to both). */
  async update(id: string, f: Pick<IncidentRow, 'label' | 'summary' | 'evidence' | 'segments' | 'locations' | 'suspectedDeploymentId'>): Promise<IncidentRow | null> {
    const rows = await this.rows(
      `UPDATE incidents SET label = $7, summary = $2, evidence = $3, segments = $4, locations = $5, suspected_deployment_id = $6, updated_at = now()
       WHERE id = $1 AND status <> 'resolved' RETURNING ${SELECT}`,
      [id, f.summary, JSON.stringify(f.evidence), JSON.stringify(f.segments), f.locations, f.suspectedDeploymentId, f.label],
    );
    return rows[0] ?? null;
  }

  async resolve(id: string, summary?: string): Promise<IncidentRow | null> {
    const rows = await this.rows(
      `UPDATE incidents SET status = 'resolved', resolved_at = now(), updated_at = now(), summary = COALESCE($2, summary)
       WHERE id = $1 AND status <> 'resolved' RETURNING ${SELECT}`,
      [id, summary ?? null],
    );
    return rows[0] ?? null;
  }

  async acknowledge(id: string): Promise<IncidentRow | null> {
    const rows = await this.rows(
      `UPDATE incidents SET status = 'acknowledged', acknowledged_at = now(), updated_at = now() WHERE id = $1 AND status = 'open' RETURNING ${SELECT}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async findById(id: string): Promise<IncidentRow | null> {
    return (await this.rows(`SELECT ${SELECT} FROM incidents WHERE id = $1`, [id]))[0] ?? null;
  }

  list(q: { siteId?: string; status?: string; label?: string; route?: string; metric?: string; limit: number }): Promise<IncidentRow[]> {
    return this.rows(
      `SELECT ${SELECT} FROM incidents WHERE ($1::uuid IS NULL OR site_id = $1) AND ($2::text IS NULL OR status = $2)
       AND ($3::text IS NULL OR label = $3) AND ($4::text IS NULL OR route = $4) AND ($5::text IS NULL OR metric = $5)
       ORDER BY opened_at DESC LIMIT $6`,
      [q.siteId ?? null, q.status ?? null, q.label ?? null, q.route ?? null, q.metric ?? null, q.limit],
    );
  }
}
