import { Injectable } from '@nestjs/common';
import type { DetectionCoverage, DetectionSource, DetectionStatus } from '@parallax/contracts';
import { SitesService } from '../sites/sites.service';
import { coverageSummary, detectionMessage } from './detection-status';
import { DetectorRepository } from './detector.repository';
import { siteDetectSettings } from '@parallax/detect';

/** What the detectors can see per series: the latest verdict of each, in plain words. */
@Injectable()
export class DetectionService {
  constructor(
    private readonly sites: SitesService,
    private readonly repo: DetectorRepository,
  ) {}

  /** The site's latest verdicts (400 for a malformed id, 404 for an unknown site). */
  async coverage(siteId: string, filter: { status?: DetectionStatus; source?: DetectionSource }): Promise<DetectionCoverage> {
    const site = await this.sites.require(siteId);
    const rows = await this.repo.listVerdicts(site.id, filter);
    // The summary is of the whole site, whatever the filter.
    const all = filter.status || filter.source ? await this.repo.listVerdicts(site.id) : rows;
    return {
      siteId: site.id,
      tickSeconds: siteDetectSettings(site.detectConfig).tickSeconds,
      summary: coverageSummary(all, site.id),
      // The message is worded at read time, so stored verdicts read like new ones.
      series: rows.map(({ updatedAt, ...verdict }) => ({ ...verdict, message: detectionMessage(verdict), updatedAt: updatedAt.toISOString() })),
    };
  }
}
