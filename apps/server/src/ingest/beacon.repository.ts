import { Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf, withReadTimeout } from '../database/sql';
import type { BeaconRow } from './beacon-row';

const DAY_MS = 86_400_000;

/** Columns in insert order, with their array cast for unnest. */
const COLUMNS: [keyof BeaconRow, string, string][] = [
  ['siteId', 'site_id', 'uuid'],
  ['receivedAt', 'received_at', 'timestamptz'],
  ['pageViewId', 'page_view_id', 'text'],
  ['seq', 'seq', 'int'],
  ['sessionHash', 'session_hash', 'text'],
  ['syntheticRunId', 'synthetic_run_id', 'text'],
  ['route', 'route', 'text'],
  ['path', 'path', 'text'],
  ['navType', 'nav_type', 'text'],
  ['country', 'country', 'text'],
  ['device', 'device', 'text'],
  ['browser', 'browser', 'text'],
  ['browserMajor', 'browser_major', 'text'],
  ['os', 'os', 'text'],
  ['connection', 'connection', 'text'],
  ['release', 'release', 'text'],
  ['lcp', 'lcp', 'float8'],
  ['inp', 'inp', 'float8'],
  ['cls', 'cls', 'float8'],
  ['fcp', 'fcp', 'float8'],
  ['ttfb', 'ttfb', 'float8'],
  ['dns', 'dns', 'float8'],
  ['tcp', 'tcp', 'float8'],
  ['tls', 'tls', 'float8'],
  ['request', 'request', 'float8'],
  ['response', 'response', 'float8'],
  ['domContentLoaded', 'dom_content_loaded', 'float8'],
  ['load', 'load', 'float8'],
  ['rttMs', 'rtt_ms', 'float8'],
  ['saveData', 'save_data', 'bool'],
  ['deviceMemoryGb', 'device_memory_gb', 'float8'],
  ['viewportW', 'viewport_w', 'int'],
  ['viewportH', 'viewport_h', 'int'],
  ['events', 'events', 'jsonb'],
  ['attribution', 'attribution', 'jsonb'],
];

// One statement per batch: each column travels as one array parameter (jsonb as text, cast per row).
// Rows of a site deleted meanwhile (the site cache still knew its key) are skipped, not allowed to fail the whole batch.
// Idempotent: a (site, page view, seq) already in beacon_keys (a client's retry) is skipped, in the same statement,
// so a retry costs no extra round trip; RETURNING says which rows are new (only those are rolled up).
const KEY = 'site_id, page_view_id, seq';
const INSERT_SQL =
  `WITH t AS (SELECT DISTINCT ON (${KEY}) * ` +
  `FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${c[2] === 'jsonb' ? 'text' : c[2]}[]`).join(', ')}) ` +
  `AS t(${COLUMNS.map((c) => c[1]).join(', ')}) WHERE EXISTS (SELECT 1 FROM sites s WHERE s.id = t.site_id)), ` +
  `k AS (INSERT INTO beacon_keys (${KEY}, first_received_at) SELECT ${KEY}, received_at FROM t ON CONFLICT DO NOTHING RETURNING ${KEY}) ` +
  `INSERT INTO beacons (${COLUMNS.map((c) => c[1]).join(', ')}) ` +
  `SELECT ${COLUMNS.map((c) => (c[2] === 'jsonb' ? `t.${c[1]}::jsonb` : `t.${c[1]}`)).join(', ')} ` +
  `FROM t JOIN k USING (${KEY}) ON CONFLICT DO NOTHING RETURNING ${KEY}`;

/** Longest a batch insert may take on the client side; the writer's own deadline answers clients sooner. */
const INSERT_READ_TIMEOUT_MS = 10_000;

/** How long keys are kept for recognising a client's retry (the snippet never retries; other clients within minutes). */
export const DEDUPE_HORIZON_MS = 2 * 86_400_000;

/** PostgreSQL's foreign_key_violation: a site deleted between the statement's snapshot and its FK check. */
const FK_VIOLATION = '23503';

/** A row's column values in COLUMNS order (jsonb as text), read by name: `row[key]` over 35 keys is a slow megamorphic load. */
function rowValues(r: BeaconRow): unknown[] {
  return [
    r.siteId, r.receivedAt, r.pageViewId, r.seq, r.sessionHash, r.syntheticRunId, r.route, r.path, r.navType, r.country, r.device,
    r.browser, r.browserMajor, r.os, r.connection, r.release, r.lcp, r.inp, r.cls, r.fcp, r.ttfb, r.dns, r.tcp, r.tls, r.request,
    r.response, r.domContentLoaded, r.load, r.rttMs, r.saveData, r.deviceMemoryGb, r.viewportW, r.viewportH,
    r.events === null ? null : JSON.stringify(r.events),
    r.attribution === null ? null : JSON.stringify(r.attribution),
  ];
}
const ROW_VALUE_KEYS = 'siteId,receivedAt,pageViewId,seq,sessionHash,syntheticRunId,route,path,navType,country,device,browser,browserMajor,os,connection,release,lcp,inp,cls,fcp,ttfb,dns,tcp,tls,request,response,domContentLoaded,load,rttMs,saveData,deviceMemoryGb,viewportW,viewportH,events,attribution';
if (COLUMNS.map((c) => c[0]).join() !== ROW_VALUE_KEYS) throw new Error('rowValues() must list COLUMNS in order');

/** `beacons_pYYYYMMDD`, the partition holding one UTC day. */
export function partitionName(dayStartMs: number): string {
  return `beacons_p${new Date(dayStartMs).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** All SQL on raw beacons: group inserts, day partitions, retention. */
@Injectable()
export class BeaconRepository {
  private readonly logger = new Logger('BeaconRepository');
  private readonly knownPartitions = new Set<string>();

  constructor(private readonly dataSource: DataSource) {}

  /** The pg pool under TypeORM, for the hot path (no ORM overhead). */
  get pool(): Pool {
    return poolOf(this.dataSource);
  }

  /**
   * Inserts rows in one statement (one commit); creates a missing day partition and retries once.
   * Returns the rows actually stored: not those already stored earlier (retries) or twice in the batch,
   * nor those of a deleted site.
   */
  async insertBatch(rows: BeaconRow[]): Promise<BeaconRow[]> {
    const days = new Set(rows.map((r) => Math.floor(r.receivedAt.getTime() / DAY_MS) * DAY_MS));
    for (const day of days) if (!this.knownPartitions.has(partitionName(day))) await this.ensurePartition(day);
    const params: unknown[][] = COLUMNS.map(() => new Array(rows.length));
    for (let i = 0; i < rows.length; i++) {
      const values = rowValues(rows[i]);
      for (let c = 0; c < values.length; c++) params[c][i] = values[c];
    }
    let result: { rows: { site_id: string; page_view_id: string; seq: number }[] };
    try {
      result = await this.pool.query(withReadTimeout(INSERT_SQL, params, INSERT_READ_TIMEOUT_MS));
    } catch (error) {
      // A site deleted while the statement ran: retried once, the EXISTS filter now skips its rows.
      if ((error as { code?: string }).code !== FK_VIOLATION) throw error;
      result = await this.pool.query(withReadTimeout(INSERT_SQL, params, INSERT_READ_TIMEOUT_MS));
    }
    if (result.rows.length === rows.length) return rows;
    const stored = new Set(result.rows.map((r) => `${r.site_id}|${r.page_view_id}|${r.seq}`));
    // Each stored key counts once, even when the batch held it twice.
    return rows.filter((r) => stored.delete(`${r.siteId}|${r.pageViewId}|${r.seq}`));
  }

  /** Forgets dedupe keys first seen before `before` (retention job). */
  async forgetKeysBefore(before: Date): Promise<number> {
    const result = await this.pool.query('DELETE FROM beacon_keys WHERE first_received_at < $1', [before]);
    return result.rowCount ?? 0;
  }

  /** Creates the partition of the UTC day starting at `dayStartMs` if it is missing (safe across replicas). */
  async ensurePartition(dayStartMs: number): Promise<void> {
    const name = partitionName(dayStartMs);
    const from = new Date(dayStartMs).toISOString();
    const to = new Date(dayStartMs + DAY_MS).toISOString();
    try {
      await this.pool.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF beacons FOR VALUES FROM ('${from}') TO ('${to}')`);
    } catch (error) {
      // Two replicas creating the same partition at once: the loser sees a duplicate; the table exists either way.
      const code = (error as { code?: string }).code;
      if (code !== '42P07' && code !== '23505') throw error;
    }
    this.knownPartitions.add(name);
  }

  /** Day partitions that exist, oldest first, with their start. */
  async listPartitions(): Promise<{ name: string; dayStartMs: number }[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = 'beacons' ORDER BY 1`,
    );
    return rows
      .map((r) => ({ name: r.name, m: /^beacons_p(\d{4})(\d{2})(\d{2})$/.exec(r.name) }))
      .filter((r) => r.m)
      .map((r) => ({ name: r.name, dayStartMs: Date.UTC(Number(r.m![1]), Number(r.m![2]) - 1, Number(r.m![3])) }));
  }

  async dropPartition(name: string): Promise<void> {
    if (!/^beacons_p\d{8}$/.test(name)) throw new Error(`not a beacon partition: ${name}`);
    await this.pool.query(`DROP TABLE IF EXISTS ${name}`);
    this.knownPartitions.delete(name);
    this.logger.log(`Dropped partition ${name} (past retention)`);
  }

  /** Deletes one site's beacons older than `before` (sites whose retention is shorter than the partition horizon). */
  async deleteSiteBefore(siteId: string, before: Date): Promise<number> {
    const result = await this.pool.query('DELETE FROM beacons WHERE site_id = $1 AND received_at < $2', [siteId, before]);
    return result.rowCount ?? 0;
  }

  /** Beacons per site and minute in [from, to), for reconciling rollups. */
  async countsByMinute(from: Date, to: Date): Promise<{ siteId: string; source: 'rum' | 'synthetic'; minute: number; count: number }[]> {
    const { rows } = await this.pool.query<{ site_id: string; synthetic: boolean; minute: Date; count: string }>(
      `SELECT site_id, synthetic_run_id IS NOT NULL AS synthetic, date_trunc('minute', received_at) AS minute, count(*) AS count
       FROM beacons WHERE received_at >= $1 AND received_at < $2 GROUP BY 1, 2, 3`,
      [from, to],
    );
    return rows.map((r) => ({ siteId: r.site_id, source: r.synthetic ? 'synthetic' : 'rum', minute: r.minute.getTime(), count: Number(r.count) }));
  }

  /** Every row of one site and minute, as stored (for rebuilding that minute's rollups). */
  async rowsOfMinute(siteId: string, minute: number): Promise<BeaconRow[]> {
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS.map(([key, column]) => `${column} AS "${key}"`).join(', ')} FROM beacons
       WHERE site_id = $1 AND received_at >= $2 AND received_at < $3`,
      [siteId, new Date(minute), new Date(minute + 60_000)],
    );
    return rows as BeaconRow[];
  }

  /** Lab vitals of synthetic runs: the beacons their injected snippet sent, in arrival order. */
  async labVitals(siteId: string, runIds: string[]): Promise<LabVitalsRow[]> {
    if (!runIds.length) return [];
    const { rows } = await this.pool.query<LabVitalsRow>(
      `SELECT synthetic_run_id AS "runId", route, path, seq, lcp, inp, cls, fcp, ttfb, dns, tcp, tls, request, response,
         dom_content_loaded AS "domContentLoaded", load
       FROM beacons WHERE site_id = $1 AND synthetic_run_id = ANY($2) ORDER BY received_at, seq`,
      [siteId, runIds],
    );
    return rows;
  }
}

/** One beacon of a synthetic run: where it was and what it measured (ms; CLS unitless), in the stored row's own fields. */
export type LabVitalsRow = { runId: string } & Pick<
  BeaconRow,
  'route' | 'path' | 'seq' | 'lcp' | 'inp' | 'cls' | 'fcp' | 'ttfb' | 'dns' | 'tcp' | 'tls' | 'request' | 'response' | 'domContentLoaded' | 'load'
>;
