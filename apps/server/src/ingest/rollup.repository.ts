import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf } from '../database/sql';
import { QuantileSketch } from '@parallax/sketch';
import { BEACON_COUNT_METRIC, RollupFragment } from './rollup-aggregator';

type Source = 'rum' | 'synthetic';

/** A stored rollup row, sketch decoded. */
export interface RollupRow {
  minute: number;
  count: number;
  sketch: QuantileSketch;
}

const FRAGMENT_COLUMNS = 'site_id, source, route, metric, dim, dim_value, minute, count, sketch';
// Sketches travel as one binary bytea cut by offset and length (node-postgres sends a Buffer in binary): a bytea[]
// parameter goes as hex text, twice the bytes and a slow encoding on the event loop that also serves the collector.
const UNNEST =
  '(SELECT u.site_id, u.source, u.route, u.metric, u.dim, u.dim_value, u.minute, u.count, substring($9::bytea FROM u.sketch_at FOR u.sketch_len) AS sketch ' +
  'FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::int[], $10::int[], $11::int[]) ' +
  'AS u(site_id, source, route, metric, dim, dim_value, minute, count, sketch_at, sketch_len))';

/** Sketches encoded or decoded between two turns of the event loop (a few ms: thousands at once stall the collector). */
const SKETCHES_PER_TURN = 256;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function fragmentParams(fragments: RollupFragment[]): Promise<unknown[]> {
  const sketches = await sketchParams(fragments);
  return [
    fragments.map((f) => f.siteId),
    fragments.map((f) => f.source),
    fragments.map((f) => f.route),
    fragments.map((f) => f.metric),
    fragments.map((f) => f.dim),
    fragments.map((f) => f.dimValue),
    fragments.map((f) => new Date(f.minute)),
    fragments.map((f) => f.count),
    ...sketches,
  ];
}

/** All sketches in one buffer, with each one's 1-based offset and length (for substring). */
async function sketchParams(fragments: RollupFragment[]): Promise<[Buffer, number[], number[]]> {
  const bytes: Uint8Array[] = new Array(fragments.length);
  for (let i = 0; i < fragments.length; i++) {
    if (i > 0 && i % SKETCHES_PER_TURN === 0) await nextTurn();
    bytes[i] = fragments[i].sketch.toBytes();
  }
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 1;
  for (const b of bytes) {
    offsets.push(at);
    lengths.push(b.length);
    at += b.length;
  }
  return [Buffer.concat(bytes), offsets, lengths];
}

/** All SQL on per-minute rollup sketches. */
@Injectable()
export class RollupRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get pool(): Pool {
    return poolOf(this.dataSource);
  }

  /** Stores fragments from one flush under a fresh part number (insert only: safe across replicas). */
  async insertFragments(fragments: RollupFragment[]): Promise<void> {
    if (!fragments.length) return;
    // Fragments of a site deleted since its beacons arrived are dropped: kept, they would fail every later flush.
    const sql = `WITH p AS (SELECT nextval('rollup_parts') AS part)
       INSERT INTO rollups (${FRAGMENT_COLUMNS}, part) SELECT t.*, p.part FROM ${UNNEST} AS t(${FRAGMENT_COLUMNS}), p
       WHERE EXISTS (SELECT 1 FROM sites s WHERE s.id = t.site_id)`;
    const params = await fragmentParams(fragments);
    try {
      await this.pool.query(sql, params);
    } catch (error) {
      // A site deleted while the statement ran: retried once, the EXISTS filter now skips its fragments.
      if ((error as { code?: string }).code !== '23503') throw error;
      await this.pool.query(sql, params);
    }
  }

  /** Merges the fragments of minutes before `before` into one row per key (part 0). Returns keys merged. */
  async compactBefore(before: Date, maxKeys = 20_000): Promise<number> {
    return this.inTransaction(async (client) => {
      const { rows } = await client.query<{ site_id: string; source: Source; route: string; metric: string; dim: string; dim_value: string; minute: Date; count: number; sketch: Buffer }>(
        `DELETE FROM rollups WHERE (site_id, source, route, metric, dim, dim_value, minute) IN (
           SELECT DISTINCT site_id, source, route, metric, dim, dim_value, minute FROM rollups
           WHERE part <> 0 AND minute < $1 LIMIT $2)
         RETURNING ${FRAGMENT_COLUMNS}`,
        [before, maxKeys],
      );
      if (!rows.length) return 0;
      const merged = new Map<string, RollupFragment>();
      for (let i = 0; i < rows.length; i++) {
        if (i > 0 && i % SKETCHES_PER_TURN === 0) await nextTurn();
        const r = rows[i];
        const key = `${r.site_id}\u0000${r.source}\u0000${r.route}\u0000${r.metric}\u0000${r.dim}\u0000${r.dim_value}\u0000${r.minute.getTime()}`;
        const sketch = QuantileSketch.fromBytes(r.sketch);
        const existing = merged.get(key);
        if (existing) {
          existing.count += r.count;
          existing.sketch.merge(sketch);
        } else {
          merged.set(key, { siteId: r.site_id, source: r.source, route: r.route, metric: r.metric, dim: r.dim as RollupFragment['dim'], dimValue: r.dim_value, minute: r.minute.getTime(), count: r.count, sketch });
        }
      }
      const fragments = [...merged.values()];
      await client.query(`INSERT INTO rollups (${FRAGMENT_COLUMNS}, part) SELECT t.*, 0 FROM ${UNNEST} AS t`, await fragmentParams(fragments));
      return fragments.length;
    });
  }

  /** Replaces every rollup of one site, source and minute with `fragments` (rebuilt from raw beacons). */
  async replaceMinute(siteId: string, source: Source, minute: number, fragments: RollupFragment[]): Promise<void> {
    await this.inTransaction(async (client) => {
      await client.query('DELETE FROM rollups WHERE site_id = $1 AND source = $2 AND minute = $3', [siteId, source, new Date(minute)]);
      if (fragments.length) await client.query(`INSERT INTO rollups (${FRAGMENT_COLUMNS}, part) SELECT t.*, 0 FROM ${UNNEST} AS t`, await fragmentParams(fragments));
    });
  }

  /**
   * Minutes before `before` that hold uncompacted fragments: written after their minute was
   * reconciled (a flush retried after an outage, a replica catching up), so nothing checked them.
   */
  async lateMinutes(before: Date, max = 1_000): Promise<number[]> {
    const { rows } = await this.pool.query<{ minute: Date }>(`SELECT DISTINCT minute FROM rollups WHERE part <> 0 AND minute < $1 ORDER BY minute LIMIT $2`, [before, max]);
    return rows.map((r) => r.minute.getTime());
  }

  /** Beacons counted by the rollups per site, source and minute in [from, to). */
  async beaconCounts(from: Date, to: Date): Promise<{ siteId: string; source: Source; minute: number; count: number }[]> {
    const { rows } = await this.pool.query<{ site_id: string; source: Source; minute: Date; count: string }>(
      `SELECT site_id, source, minute, sum(count) AS count FROM rollups
       WHERE metric = $3 AND route = '*' AND minute >= $1 AND minute < $2 GROUP BY 1, 2, 3`,
      [from, to, BEACON_COUNT_METRIC],
    );
    return rows.map((r) => ({ siteId: r.site_id, source: r.source, minute: r.minute.getTime(), count: Number(r.count) }));
  }

  /** Rollup rows of one series in [from, to), all parts, oldest first. */
  async series(q: { siteId: string; source: Source; route: string; metric: string; dim: string; dimValue: string; from: Date; to: Date }): Promise<RollupRow[]> {
    const { rows } = await this.pool.query<{ minute: Date; count: number; sketch: Buffer }>(
      `SELECT minute, count, sketch FROM rollups
       WHERE site_id = $1 AND source = $2 AND route = $3 AND metric = $4 AND dim = $5 AND dim_value = $6 AND minute >= $7 AND minute < $8
       ORDER BY minute`,
      [q.siteId, q.source, q.route, q.metric, q.dim, q.dimValue, q.from, q.to],
    );
    return rows.map((r) => ({ minute: r.minute.getTime(), count: r.count, sketch: QuantileSketch.fromBytes(r.sketch) }));
  }

  /** Routes with data for a site in [from, to), busiest first. */
  async routes(siteId: string, source: Source, from: Date, to: Date): Promise<{ route: string; beacons: number }[]> {
    const { rows } = await this.pool.query<{ route: string; n: string }>(
      `SELECT route, sum(count) AS n FROM rollups WHERE site_id = $1 AND source = $2 AND dim = 'all' AND metric IN ('lcp', 'fcp', 'ttfb')
       AND minute >= $3 AND minute < $4 GROUP BY route ORDER BY n DESC LIMIT 500`,
      [siteId, source, from, to],
    );
    return rows.map((r) => ({ route: r.route, beacons: Number(r.n) }));
  }

  /** Deletes one site's rollups older than `before` (retention). */
  async deleteSiteBefore(siteId: string, before: Date): Promise<number> {
    const result = await this.pool.query('DELETE FROM rollups WHERE site_id = $1 AND minute < $2', [siteId, before]);
    return result.rowCount ?? 0;
  }

  /** Runs `fn` in a transaction, only if this replica gets the advisory lock `lockKey` (else returns undefined). */
  async withExclusiveLock<T>(lockKey: number, fn: () => Promise<T>): Promise<T | undefined> {
    const client = await this.pool.connect();
    const onError = () => undefined; // a checked-out client has no handler of pg's pool; the failed query reports it
    client.on('error', onError);
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [lockKey]);
      if (!rows[0].ok) return undefined;
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [lockKey]);
      }
    } finally {
      client.off('error', onError);
      client.release();
    }
  }

  private async inTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const onError = () => undefined;
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      client.release();
    }
  }
}
