import { Injectable } from '@nestjs/common';
import { RouteTemplater } from '@parallax/privacy';
import { SiteRepository } from '../sites/site.repository';
import type { SiteIngestConfig } from './beacon-row';

const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/** Site settings by public key for the collector, cached briefly (unknown keys too) so beacons cost no lookup. */
@Injectable()
export class SiteCacheService {
  private readonly entries = new Map<string, { site: SiteIngestConfig | null; expiresMs: number }>();

  constructor(private readonly sites: SiteRepository) {}

  async byKey(siteKey: string, nowMs = Date.now()): Promise<SiteIngestConfig | null> {
    const cached = this.entries.get(siteKey);
    if (cached && cached.expiresMs > nowMs) return cached.site;
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
