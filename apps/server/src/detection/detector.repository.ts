import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { METRIC_NAMES } from '@parallax/contracts';
import type { DetectionSource, DetectionStatus, DetectionVerdict } from '@parallax/contracts';
import type { RumMetric, RumRollup, SegmentDim, SyntheticRun, TimeRange } from '@parallax/detect';
import { QuantileSketch } from '@parallax/sketch';
import { queryRows } from '../database/sql';
import { BeaconRepository } from '../ingest/beacon.repository';
import { RunRepository } from '../synthetic/run.repository';
import { DetectorState, type DetectorStateRow } from './detector-state';

const VITALS: readonly RumMetric[] = METRIC_NAMES;

/** A stored verdict and when the detector gave it. */
export type StoredVerdict = DetectionVerdict & { updatedAt: Date };

/** Reads what the detectors need (rollups and run results, never raw real-user beacons) and keeps their state. */
@Injectable()
export class DetectorRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: RunRepository,
    private readonly beacons: BeaconRepository,
  ) {}

  /** Routes with real-user vitals in [from, to). */
  async rumRoutes(siteId: string, from: Date, to: Date): Promise<string[]> {
    const rows = await queryRows<{ route: string }>(
      this.dataSource,
      `SELECT DISTINCT route FROM rollups WHERE site_id = $1 AND source = 'rum' AND dim = 'all' AND metric = ANY($2) AND minute >= $3 AND minute < $4`,
      [siteId, VITALS, from, to],
    );
    return rows.map((r) => r.route);
  }

  /** Per-minute rollups of one route and metric over `ranges` (parts merged; segments only where a range asks). */
  async rumRollups(siteId: string, route: string, metric: RumMetric, ranges: TimeRange[]): Promise<RumRollup[]> {
    if (!ranges.length) return [];
    const conditions = ranges.map((r, i) => `(minute >= $${4 + i * 3} AND minute < $${5 + i * 3} AND (dim = 'all' OR $${6 + i * 3}))`);
    const params: unknown[] = [siteId, route, metric];
    for (const r of ranges) params.push(new Date(r.fromMs), new Date(r.toMs), r.segments !== false);
    const rows = await queryRows<{ minute: Date; dim: SegmentDim; dim_value: string; sketch: Buffer }>(
      this.dataSource,
      `SELECT minute, dim, dim_value, sketch FROM rollups WHERE site_id = $1 AND source = 'rum' AND route = $2 AND metric = $3
       AND (${conditions.join(' OR ')})`,
      params,
    );
    const merged = new Map<string, RumRollup>();
    for (const row of rows) {
      const key = `${row.minute.getTime()}|${row.dim}|${row.dim_value}`;
      const sketch = QuantileSketch.fromBytes(row.sketch);
      const existing = merged.get(key);
      if (existing) existing.sketch.merge(sketch);
      else merged.set(key, { minute: row.minute.getTime(), segment: { dim: row.dim, value: row.dim === 'all' ? '' : row.dim_value }, sketch });
    }
    return [...merged.values()];
  }

  /** Step durations and lab vitals of runs finished in [from, to), one value per step (or beacon) and metric. */
  async syntheticRuns(siteId: string, from: Date, to: Date): Promise<SyntheticRun[]> {
    const runs = await this.runs.finishedBetween(siteId, from, to);
    const out: SyntheticRun[] = [];
    const byId = new Map(runs.map((r) => [r.id, r]));
    for (const run of runs) {
      for (const step of run.steps ?? []) {
        if (!step.route || step.status === 'skipped') continue;
        const ok = step.status !== 'failed';
        out.push({ runId: run.id, at: run.finishedAt.getTime(), location: run.location, route: step.route, metric: 'duration', value: ok ? step.durationMs : null, ok });
      }
    }
    // Lab vitals arrive as synthetic beacons of the run, on the same route templates as real users.
    for (const b of await this.beacons.labVitals(siteId, runs.map((r) => r.id))) {
      const run = byId.get(b.runId);
      if (!run) continue;
      for (const metric of VITALS) {
        const value = b[metric];
        if (value !== null) out.push({ runId: run.id, at: run.finishedAt.getTime(), location: run.location, route: b.route, metric, value, ok: true });
      }
    }
    return out;
  }

  async loadState(siteId: string): Promise<DetectorState> {
    const rows = await queryRows<DetectorStateRow>(this.dataSource, `SELECT key, state FROM detector_state WHERE site_id = $1`, [siteId]);
    return DetectorState.fromRows(rows);
  }

  async saveState(siteId: string, state: DetectorState): Promise<void> {
    const rows = state.toRows();
    if (!rows.length) return;
    const keys = rows.map((r) => r.key);
    await queryRows(
      this.dataSource,
      `INSERT INTO detector_state (site_id, key, state, updated_at) SELECT $1, k, s::jsonb, now() FROM unnest($2::text[], $3::text[]) AS t(k, s)
       ON CONFLICT (site_id, key) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
      [siteId, keys, rows.map((r) => JSON.stringify(r.state))],
    );
  }

  /** Forgets the state of incidents that are over. */
  async deleteIncidentStates(siteId: string, incidentKeys: string[]): Promise<void> {
    const keys = incidentKeys.map(DetectorState.incidentRowKey);
    if (keys.length) await queryRows(this.dataSource, `DELETE FROM detector_state WHERE site_id = $1 AND key = ANY($2)`, [siteId, keys]);
  }

  /** Upserts the latest verdict of every series judged at one tick, in one statement (at most one verdict per key). */
  async saveVerdicts(siteId: string, verdicts: DetectionVerdict[], at: Date): Promise<void> {
    const byKey = new Map(verdicts.map((v) => [`${v.source}|${v.route}|${v.metric}`, v]));
    if (!byKey.size) return;
    const list = [...byKey.values()];
    await queryRows(
      this.dataSource,
      `INSERT INTO detection_status (site_id, source, route, metric, status, evidence, updated_at)
       SELECT $1, s, r, m, st, e::jsonb, $7 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(s, r, m, st, e)
       ON CONFLICT (site_id, source, route, metric) DO UPDATE SET status = EXCLUDED.status, evidence = EXCLUDED.evidence, updated_at = EXCLUDED.updated_at`,
      [siteId, list.map((v) => v.source), list.map((v) => v.route), list.map((v) => v.metric), list.map((v) => v.status), list.map((v) => JSON.stringify(v.evidence)), at],
    );
  }

  /** The latest verdicts of a site, by source, route and metric; optionally of one status or source. */
  async listVerdicts(siteId: string, filter: { status?: DetectionStatus; source?: DetectionSource } = {}): Promise<StoredVerdict[]> {
    return queryRows<StoredVerdict>(
      this.dataSource,
      `SELECT source, route, metric, status, evidence, updated_at AS "updatedAt" FROM detection_status
       WHERE site_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR source = $3)
       ORDER BY source, route, metric`,
      [siteId, filter.status ?? null, filter.source ?? null],
    );
  }
}
