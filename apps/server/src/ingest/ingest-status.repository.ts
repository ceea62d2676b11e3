import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { INGEST_REJECT_REASONS, type IngestStatus } from '@parallax/contracts';
import { poolOf } from '../database/sql';
import type { CounterCell, CounterOwner } from './ingest-counters';

// One statement per flush. Counts of requests that named no known site go to the sites that allow their Origin;
// grouped first, as one INSERT ... ON CONFLICT DO UPDATE may not touch a row twice.
const ADD_SQL = `
  WITH t AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[], $10::timestamptz[])
      AS t(site_id, origin, minute, accepted, r_origin, r_key, r_size, r_rate, r_invalid, last_at)
  ), owned AS (
    SELECT t.site_id, t.minute, t.accepted, t.r_origin, t.r_key, t.r_size, t.r_rate, t.r_invalid, t.last_at FROM t
    WHERE t.site_id IS NOT NULL AND EXISTS (SELECT 1 FROM sites s WHERE s.id = t.site_id)
    UNION ALL
    SELECT s.id, t.minute, t.accepted, t.r_origin, t.r_key, t.r_size, t.r_rate, t.r_invalid, t.last_at FROM t
    JOIN sites s ON t.origin = ANY (s.allowed_origins) WHERE t.site_id IS NULL
  )
  INSERT INTO ingest_counters (site_id, minute, accepted, rejected_origin, rejected_key, rejected_size, rejected_rate, rejected_invalid, last_beacon_at)
  SELECT site_id, minute, sum(accepted), sum(r_origin), sum(r_key), sum(r_size), sum(r_rate), sum(r_invalid), max(last_at) FROM owned GROUP BY 1, 2
  ON CONFLICT (site_id, minute) DO UPDATE SET
    accepted = ingest_counters.accepted + excluded.accepted,
    rejected_origin = ingest_counters.rejected_origin + excluded.rejected_origin,
    rejected_key = ingest_counters.rejected_key + excluded.rejected_key,
    rejected_size = ingest_counters.rejected_size + excluded.rejected_size,
    rejected_rate = ingest_counters.rejected_rate + excluded.rejected_rate,
    rejected_invalid = ingest_counters.rejected_invalid + excluded.rejected_invalid,
    last_beacon_at = greatest(ingest_counters.last_beacon_at, excluded.last_beacon_at)`;

/** The ingest feature's counters table: flushed counts in, onboarding status out. */
@Injectable()
export class IngestStatusRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get pool(): Pool {
    return poolOf(this.dataSource);
  }

  async add(entries: { owner: CounterOwner; minuteMs: number; cell: CounterCell }[]): Promise<void> {
    if (entries.length === 0) return;
    const col = <T>(f: (e: (typeof entries)[number]) => T) => entries.map(f);
    await this.pool.query(ADD_SQL, [
      col((e) => ('siteId' in e.owner ? e.owner.siteId : null)),
      col((e) => ('origin' in e.owner ? e.owner.origin : null)),
      col((e) => new Date(e.minuteMs)),
      col((e) => e.cell.accepted),
      ...INGEST_REJECT_REASONS.map((r) => col((e) => e.cell.rejected[r])),
      col((e) => (e.cell.lastBeaconMs === null ? null : new Date(e.cell.lastBeaconMs))),
    ]);
  }

  /** Sums since `since` over every replica's flushed counts, and the last stored beacon (from the beacons when the counters have aged out). */
  async status(siteId: string, since: Date): Promise<IngestStatus> {
    const { rows } = await this.pool.query<Record<string, string | Date | null>>(
      `SELECT coalesce(sum(accepted) FILTER (WHERE minute >= $2), 0) AS accepted,
              coalesce(sum(rejected_origin) FILTER (WHERE minute >= $2), 0) AS origin,
              coalesce(sum(rejected_key) FILTER (WHERE minute >= $2), 0) AS key,
              coalesce(sum(rejected_size) FILTER (WHERE minute >= $2), 0) AS size,
              coalesce(sum(rejected_rate) FILTER (WHERE minute >= $2), 0) AS rate,
              coalesce(sum(rejected_invalid) FILTER (WHERE minute >= $2), 0) AS invalid,
              coalesce(max(last_beacon_at), (SELECT max(received_at) FROM beacons WHERE site_id = $1)) AS last
       FROM ingest_counters WHERE site_id = $1`,
      [siteId, since],
    );
    const r = rows[0];
    const last = r.last as Date | null;
    return {
      lastBeaconAt: last ? last.toISOString() : null,
      acceptedLastHour: Number(r.accepted),
      rejected: { origin: Number(r.origin), key: Number(r.key), size: Number(r.size), rate: Number(r.rate), invalid: Number(r.invalid) },
    };
  }

  async deleteBefore(before: Date): Promise<void> {
    await this.pool.query('DELETE FROM ingest_counters WHERE minute < $1', [before]);
  }
}
