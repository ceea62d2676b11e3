import { Injectable } from '@nestjs/common';
import { RouteTemplater } from '@parallax/privacy';
import { SiteRepository } from '../sites/site.repository';
import { isDatabaseUnavailable } from '../database/database-errors';
import type { SiteIngestConfig } from './beacon-row';

const TTL_MS = 10_000;
/** While the database is down, how long a stale entry is used before another lookup is tried. */
const STALE_RETRY_MS = 1_000;
const MAX_ENTRIES = 10_000;

/**
 * Site settings by public key for the collector, cached briefly (unknown keys too) so beacons cost no lookup.
 * One lookup per key at a time, and while the database cannot answer, the last known settings are used
 * (stale-if-error): a database outage then costs only the beacons that cannot be stored, not every request
 * that would have needed a fresh lookup first.
 */
@Injectable()
export class SiteCacheService {
  private readonly entries = new Map<string, { site: SiteIngestConfig | null; expiresMs: number }>();
  private readonly lookups = new Map<string, Promise<SiteIngestConfig | null>>();

  constructor(private readonly sites: SiteRepository) {}

  async byKey(siteKey: string, nowMs = Date.now()): Promise<SiteIngestConfig | null> {
    const cached = this.entries.get(siteKey);
    if (cached && cached.expiresMs > nowMs) return cached.site;
    let lookup = this.lookups.get(siteKey);
    // Someone is already refreshing this key: the last known settings do meanwhile (the lookup may be stuck).
    if (lookup && cached) return cached.site;
    if (!lookup) {
      lookup = this.load(siteKey, nowMs).finally(() => this.lookups.delete(siteKey));
      this.lookups.set(siteKey, lookup);
    }
    try {
      return await lookup;
    } catch (error) {
      if (cached && isDatabaseUnavailable(error)) {
        cached.expiresMs = nowMs + STALE_RETRY_MS;
        return cached.site;
      }
      throw error;
    }
  }

  private async load(siteKey: string, nowMs: number): Promise<SiteIngestConfig | null> {
    const entity = await this.sites.findByKey(siteKey);
    const site = entity
      ? {
          id: entity.id,
          allowedOrigins: entity.allowedOrigins,
          allowedQueryParams: entity.allowedQueryParams,
          samplingRate: entity.samplingRate,
          templater: new RouteTemplater(entity.routeRules),
        }
      : null;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(siteKey, { site, expiresMs: nowMs + TTL_MS });
    return site;
  }

  /** The cached answer for `siteKey` without waiting: the site, null for a key known not to exist, undefined when not cached. */
  peek(siteKey: string, nowMs: number): SiteIngestConfig | null | undefined {
    const cached = this.entries.get(siteKey);
    return cached && cached.expiresMs > nowMs ? cached.site : undefined;
  }

  /** Forgets a key at once (after an update or delete on this replica). */
  invalidate(siteKey: string): void {
    this.entries.delete(siteKey);
  }
}
