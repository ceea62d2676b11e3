import { Injectable } from '@nestjs/common';
import { QuantileSketch } from '@parallax/sketch';
import type { SegmentDimension } from '@parallax/contracts';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';

/** Sketches decoded between two turns of the event loop (the collector shares this loop). */
const SKETCHES_PER_TURN = 256;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function decode<T extends { sketch: Buffer }>(rows: T[]): Promise<(Omit<T, 'sketch'> & { sketch: QuantileSketch })[]> {
  const out: (Omit<T, 'sketch'> & { sketch: QuantileSketch })[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && i % SKETCHES_PER_TURN === 0) await nextTurn();
    out[i] = { ...rows[i], sketch: QuantileSketch.fromBytes(rows[i].sketch) };
  }
  return out;
}

/** Read-only SQL for the dashboard's screens, on the per-minute rollups and on runs. */
@Injectable()
export class ViewsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Real-user rollups of all traffic per route, vital and minute in [from, to). */
  async routeVitals(siteId: string, metrics: readonly string[], from: Date, to: Date) {
    const rows = await queryRows<{ route: string; metric: string; minute: Date; count: number; sketch: Buffer }>(
      this.dataSource,
      `SELECT route, metric, minute, count, sketch FROM rollups
       WHERE site_id = $1 AND source = 'rum' AND dim = 'all' AND metric = ANY($2) AND minute >= $3 AND minute < $4`,
      [siteId, metrics, from, to],
    );
    return (await decode(rows)).map((r) => ({ ...r, minute: r.minute.getTime() }));
  }

  /** Newest minute with real-user data for the site, or null. */
  async lastDataAt(siteId: string): Promise<Date | null> {
    const rows = await queryRows<{ at: Date | null }>(
      this.dataSource,
      `SELECT max(minute) AS at FROM rollups WHERE site_id = $1 AND source = 'rum' AND dim = 'all'`,
      [siteId],
    );
    return rows[0]?.at ?? null;
  }

  /** Segment rollups (one per dim, value and part, summed over the windows) of one route and vital. */
  async segmentSketches(siteId: string, route: string, metric: string, windows: { from: Date; to: Date }[]) {
    if (!windows.length) return [];
    const rows = await queryRows<{ dim: SegmentDimension | 'all'; value: string; count: number; sketch: Buffer }>(
      this.dataSource,
      `SELECT dim, dim_value AS value, count, sketch FROM rollups r
       JOIN unnest($4::timestamptz[], $5::timestamptz[]) AS w(f, t) ON r.minute >= w.f AND r.minute < w.t
       WHERE r.site_id = $1 AND r.source = 'rum' AND r.route = $2 AND r.metric = $3`,
      [siteId, route, metric, windows.map((w) => w.from), windows.map((w) => w.to)],
    );
    return decode(rows);
  }

  /** Lab values of one route and vital per run, with the run's location, in [from, to). */
  async labPoints(siteId: string, route: string, metric: string, from: Date, to: Date) {
    // metric is one of the five vitals (validated by the DTO) and is used as a column name.
    return queryRows<{ location: string; runId: string; at: Date; value: number }>(
      this.dataSource,
      `SELECT r.location, r.id AS "runId", b.received_at AS at, b.${metric} AS value FROM beacons b
       JOIN runs r ON r.id::text = b.synthetic_run_id AND r.site_id = b.site_id
       WHERE b.site_id = $1 AND b.route = $2 AND b.${metric} IS NOT NULL AND b.received_at >= $3 AND b.received_at < $4
       ORDER BY b.received_at LIMIT 20000`,
      [siteId, route, from, to],
    );
  }
}
