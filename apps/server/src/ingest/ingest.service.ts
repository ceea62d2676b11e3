import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { MAX_BEACON_BYTES, parseBeacon, type Beacon } from '@parallax/contracts';
import { InvalidUrlError } from '@parallax/privacy';
import { DomainError } from '../common/domain-error';
import { DatabaseOutageMonitor } from '../database/database-outage';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { MetricsService } from '../metrics/metrics.service';
import { BeaconRepository } from './beacon.repository';
import { originAllowed, toBeaconRow, type BeaconRow } from './beacon-row';
import { IngestStatusService } from './ingest-status.service';
import { GroupCommitWriter, WriterDeadlineError, WriterOverloadedError } from './group-commit-writer';
import { RollupAggregator } from './rollup-aggregator';
import { SaltService } from './salt.service';
import { SiteCacheService } from './site-cache.service';
import { TokenBuckets } from './token-bucket';

/** Most beacons in one request body (a JSON array). */
export const MAX_BEACONS_PER_REQUEST = 20;

/**
 * Longest a beacon waits for its commit (or for the site and salt lookups before it) before the client gets
 * 503 + Retry-After. A stalled database must not hold clients and their sockets for as long as it is stalled.
 */
export const COLLECT_DEADLINE_MS = 1_500;
/** Beacons waiting or in flight before new ones are refused with 503 (bounds memory while the database is slow). */
export const MAX_PENDING_BEACONS = 10_000;
const RETRY_AFTER_SECONDS = 5;

/** What the collector knows about one request; the client address is used for rate limiting only. */
export interface CollectRequest {
  body: unknown;
  origin: string | undefined;
  userAgent: string | undefined;
  edgeCountry: string | undefined;
  clientAddress: string;
  /**
   * Filled in as soon as the origin is known to be allowed for the site the key names, so that the answer
   * (also an error answer after that point) may carry it in Access-Control-Allow-Origin; never otherwise.
   */
  cors?: { allowOrigin?: string; siteId?: string };
}

/** Accepted beacons with the origin to echo in CORS headers. */
export interface CollectResult {
  stored: number;
  allowOrigin: string | undefined;
}

/** Validates, enriches and durably stores beacons; rolls them up once committed. */
@Injectable()
export class IngestService implements OnApplicationShutdown {
  private readonly logger = new Logger('Ingest');
  private readonly buckets: TokenBuckets;
  readonly writer: GroupCommitWriter<BeaconRow>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly beacons: BeaconRepository,
    private readonly sites: SiteCacheService,
    private readonly salts: SaltService,
    private readonly aggregator: RollupAggregator,
    private readonly metrics: MetricsService,
    private readonly outage: DatabaseOutageMonitor,
    private readonly status: IngestStatusService,
  ) {
    this.buckets = new TokenBuckets(config.collectRatePerSec, config.collectRatePerSec * 10);
    this.writer = new GroupCommitWriter((rows) => this.store(rows), {
      maxBatch: 500,
      maxDelayMs: 2,
      maxPending: MAX_PENDING_BEACONS,
      maxConcurrentFlushes: Math.max(1, Math.min(4, config.dbPoolSize - 2)),
      // One row PostgreSQL refuses (bad data, a constraint) must not fail other clients' beacons in its batch.
      isItemError: isRowRefused,
      deadlineMs: COLLECT_DEADLINE_MS,
    });
  }

  /**
   * Stores a batch and rolls up exactly the rows that are new: a client's retry is not counted again, and a batch
   * committed after its clients were already answered 503 (a slow database) is still counted, once.
   */
  private async store(rows: BeaconRow[]): Promise<void> {
    const stored = await this.beacons.insertBatch(rows);
    if (stored.length) {
      this.aggregator.addSoon(stored);
      this.metrics.beaconsStored.inc(stored.length);
      const nowMs = Date.now();
      let run = 0;
      // Rows of one site come in runs (one request's beacons share a site): one counter update per run.
      for (let i = 1; i <= stored.length; i++) {
        if (i === stored.length || stored[i].siteId !== stored[run].siteId) {
          this.status.accepted(stored[run].siteId, i - run, nowMs);
          run = i;
        }
      }
    }
  }

  private unavailable(): DomainError {
    return new DomainError('unavailable', 'Beacons cannot be stored right now; retry later', undefined, RETRY_AFTER_SECONDS);
  }

  /** Waits for a lookup the beacon needs, at most until the collect deadline. */
  private async withinDeadline<T>(lookup: Promise<T>, startedMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        lookup,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new WriterDeadlineError(COLLECT_DEADLINE_MS)), Math.max(0, startedMs + COLLECT_DEADLINE_MS - Date.now()));
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A database failure on the way to storing: 503 + Retry-After, counted in the outage (logged once per outage). */
  private databaseFailure(error: unknown): DomainError | undefined {
    if (error instanceof WriterDeadlineError) {
      this.metrics.beaconsRejected.inc({ reason: 'database' });
      this.outage.suspect('collector');
      return this.unavailable();
    }
    if (this.outage.failed(error, 'collector')) {
      this.metrics.beaconsRejected.inc({ reason: 'database' });
      return this.unavailable();
    }
    return undefined;
  }

  async collect(request: CollectRequest, nowMs = Date.now()): Promise<CollectResult> {
    const wait = this.buckets.take(request.clientAddress, nowMs);
    if (wait > 0) throw new DomainError('rate_limited', 'Too many beacons from this client; slow down', undefined, wait);

    const beacons = this.parseBody(request.body);
    const siteKey = beacons[0].siteKey;
    if (beacons.some((b) => b.siteKey !== siteKey)) {
      throw new DomainError('validation_failed', 'siteKey: all beacons of one request must have the same siteKey', { field: 'siteKey' });
    }
    // Cached answers are taken without an await: each one costs a microtask turn on every beacon.
    let site = this.sites.peek(siteKey, nowMs);
    if (site === undefined) site = await this.lookup(() => this.sites.byKey(siteKey, nowMs));
    if (!site) throw new DomainError('unknown_site_key', `Unknown site key ${siteKey}`);
    if (request.cors) request.cors.siteId = site.id;
    if (!originAllowed(site.allowedOrigins, request.origin)) {
      throw new DomainError('origin_not_allowed', `Origin ${request.origin ?? '(none)'} is not allowed to send beacons for this site`);
    }
    if (request.cors && request.origin) request.cors.allowOrigin = request.origin;

    const receivedAt = new Date(nowMs);
    const siteId = site.id;
    const pseudonymise = this.salts.cachedPseudonymiserFor(siteId, nowMs) ?? (await this.lookup(() => this.salts.pseudonymiserFor(siteId, nowMs)));
    const rows = beacons.map((beacon, index) => {
      try {
        return toBeaconRow(beacon, site, { userAgent: request.userAgent, edgeCountry: request.edgeCountry, receivedAt }, pseudonymise);
      } catch (error) {
        if (error instanceof InvalidUrlError) {
          const field = beacons.length > 1 ? `${index}.url` : 'url';
          throw new DomainError('validation_failed', `${field}: ${error.message}`, { field });
        }
        throw error;
      }
    });

    // A database known to be down is not waited for: the client is told at once when to retry.
    if (this.outage.down) {
      this.metrics.beaconsRejected.inc({ reason: 'database' });
      this.outage.rejected('collector');
      throw this.unavailable();
    }
    try {
      if (rows.length === 1) await this.writer.write(rows[0]);
      else await this.writeAll(rows);
    } catch (error) {
      if (error instanceof WriterOverloadedError) {
        this.metrics.beaconsRejected.inc({ reason: 'overloaded' });
        this.logger.debug({ msg: 'beacon refused: writer queue full', pending: this.writer.pending });
        throw new DomainError('unavailable', error.message, undefined, error.retryAfterSeconds);
      }
      const unavailable = this.databaseFailure(error);
      if (unavailable) throw unavailable;
      if (error instanceof RefusedRowsError || isRowRefused(error)) {
        const refused = error instanceof RefusedRowsError ? error.indices : [0];
        this.metrics.beaconsRejected.inc({ reason: 'invalid' }, refused.length);
        this.logger.warn({ msg: 'beacon refused by the database', code: (error instanceof RefusedRowsError ? error.cause : error as { code?: string }).code });
        const which = rows.length > 1 ? `beacons ${refused.join(', ')} could not be stored as sent (the others were)` : 'the beacon could not be stored as sent';
        throw new DomainError('validation_failed', `body: ${which}; the database refused their values`, { field: 'body' });
      }
      this.metrics.beaconsRejected.inc({ reason: 'database' });
      this.logger.warn({ msg: 'beacon batch not stored', error: (error as Error).message });
      throw this.unavailable();
    }
    return { stored: rows.length, allowOrigin: request.origin };
  }

  /** A site or salt lookup on the way to storing, bounded by the collect deadline; database failures become 503. */
  private async lookup<T>(fn: () => Promise<T>): Promise<T> {
    if (this.outage.down) {
      this.outage.rejected('collector');
      throw this.unavailable();
    }
    try {
      return await this.withinDeadline(fn(), Date.now());
    } catch (error) {
      throw this.databaseFailure(error) ?? error;
    }
  }

  /**
   * Writes the beacons of one request. When the database refuses some of them for their values,
   * the others are still stored and counted (the writer commits them apart), and the refused
   * ones are named; any other failure fails the request as before.
   */
  private async writeAll(rows: BeaconRow[]): Promise<void> {
    const results = await Promise.allSettled(rows.map((row) => this.writer.write(row)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    if (failed.length === 0) return;
    const reasons = failed.map((i) => (results[i] as PromiseRejectedResult).reason as unknown);
    const other = reasons.find((e) => !isRowRefused(e));
    if (other !== undefined) throw other;
    throw new RefusedRowsError(failed, reasons[0] as { code?: string });
  }

  private parseBody(body: unknown): Beacon[] {
    let value: unknown = body;
    if (typeof body === 'string') {
      if (Buffer.byteLength(body) > MAX_BEACON_BYTES) throw new DomainError('payload_too_large', `Body over ${MAX_BEACON_BYTES} bytes`);
      try {
        value = JSON.parse(body);
      } catch {
        throw new DomainError('validation_failed', 'body: not valid JSON', { field: 'body' });
      }
    }
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.length > MAX_BEACONS_PER_REQUEST) {
      throw new DomainError('validation_failed', `body: send 1 to ${MAX_BEACONS_PER_REQUEST} beacons per request`, { field: 'body' });
    }
    return list.map((item, index) => {
      const parsed = parseBeacon(item);
      if (parsed.ok) return parsed.value;
      const field = Array.isArray(value) ? `${index}.${parsed.field}` : parsed.field;
      throw new DomainError('validation_failed', `${field}: ${parsed.message}`, { field });
    });
  }

  /** Everything acknowledged is already committed; this waits for writes still in flight at shutdown. */
  async onApplicationShutdown(): Promise<void> {
    await this.writer.close();
  }
}

/** A PostgreSQL error about the rows themselves (SQLSTATE class 22 data exception, 23 integrity constraint), not the database. */
export function isRowRefused(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && (code.startsWith('22') || code.startsWith('23'));
}

/** Some beacons of a request were refused by the database for their values; the others were stored. */
class RefusedRowsError extends Error {
  constructor(
    readonly indices: number[],
    override readonly cause: { code?: string },
  ) {
    super(`beacons ${indices.join(', ')} refused`);
  }
}
