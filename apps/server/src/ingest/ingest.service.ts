import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { MAX_BEACON_BYTES, parseBeacon, type Beacon } from '@parallax/contracts';
import { InvalidUrlError } from '@parallax/privacy';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { MetricsService } from '../metrics/metrics.service';
import { BeaconRepository } from './beacon.repository';
import { originAllowed, toBeaconRow, type BeaconRow } from './beacon-row';
import { GroupCommitWriter, WriterOverloadedError } from './group-commit-writer';
import { RollupAggregator } from './rollup-aggregator';
import { SaltService } from './salt.service';
import { SiteCacheService } from './site-cache.service';
import { TokenBuckets } from './token-bucket';

/** Most beacons in one request body (a JSON array). */
export const MAX_BEACONS_PER_REQUEST = 20;

/** What the collector knows about one request; the client address is used for rate limiting only. */
export interface CollectRequest {
  body: unknown;
  origin: string | undefined;
  userAgent: string | undefined;
  edgeCountry: string | undefined;
  clientAddress: string;
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
  ) {
    this.buckets = new TokenBuckets(config.collectRatePerSec, config.collectRatePerSec * 10);
    this.writer = new GroupCommitWriter((rows) => this.beacons.insertBatch(rows), {
      maxBatch: 500,
      maxDelayMs: 2,
      maxPending: 20_000,
      maxConcurrentFlushes: Math.max(1, Math.min(4, config.dbPoolSize - 2)),
      // One row PostgreSQL refuses (bad data, a constraint) must not fail other clients' beacons in its batch.
      isItemError: isRowRefused,
    });
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
    if (site === undefined) site = await this.sites.byKey(siteKey, nowMs);
    if (!site) throw new DomainError('unknown_site_key', `Unknown site key ${siteKey}`);
    if (!originAllowed(site.allowedOrigins, request.origin)) {
      throw new DomainError('origin_not_allowed', `Origin ${request.origin ?? '(none)'} is not allowed to send beacons for this site`);
    }

    const receivedAt = new Date(nowMs);
    const pseudonymise = this.salts.cachedPseudonymiserFor(site.id, nowMs) ?? (await this.salts.pseudonymiserFor(site.id, nowMs));
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

    try {
      if (rows.length === 1) await this.writer.write(rows[0]);
      else await this.writeAll(rows);
    } catch (error) {
      if (error instanceof WriterOverloadedError) {
        this.metrics.beaconsRejected.inc({ reason: 'overloaded' });
        throw new DomainError('unavailable', error.message, undefined, error.retryAfterSeconds);
      }
      if (error instanceof RefusedRowsError || isRowRefused(error)) {
        const refused = error instanceof RefusedRowsError ? error.indices : [0];
        this.metrics.beaconsRejected.inc({ reason: 'invalid' }, refused.length);
        this.logger.warn({ msg: 'beacon refused by the database', code: (error instanceof RefusedRowsError ? error.cause : error as { code?: string }).code });
        const which = rows.length > 1 ? `beacons ${refused.join(', ')} could not be stored as sent (the others were)` : 'the beacon could not be stored as sent';
        throw new DomainError('validation_failed', `body: ${which}; the database refused their values`, { field: 'body' });
      }
      this.metrics.beaconsRejected.inc({ reason: 'database' });
      this.logger.warn({ msg: 'beacon batch not stored', error: (error as Error).message });
      throw new DomainError('unavailable', 'Beacons could not be stored right now; retry later', undefined, 5);
    }
    this.aggregator.addSoon(rows);
    this.metrics.beaconsStored.inc(rows.length);
    return { stored: rows.length, allowOrigin: request.origin };
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
    const stored = rows.filter((_, i) => results[i].status === 'fulfilled');
    this.aggregator.addSoon(stored);
    this.metrics.beaconsStored.inc(stored.length);
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
