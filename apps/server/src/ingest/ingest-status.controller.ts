import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { IngestStatus } from '@parallax/contracts';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { SitesService } from '../sites/sites.service';
import { IngestStatusService } from './ingest-status.service';

/** Onboarding: is the snippet reaching the collector, and if not, why are its beacons refused? */
@ApiTags('rum')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/sites/:siteId/ingest-status')
export class IngestStatusController {
  constructor(
    private readonly sites: SitesService,
    private readonly status: IngestStatusService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Last stored beacon, beacons stored and refused (by reason) in the last hour, over all replicas' })
  @ApiOkResponse({
    schema: { example: { lastBeaconAt: '2026-12-03T10:15:02.000Z', acceptedLastHour: 412, rejected: { origin: 3, key: 0, size: 0, rate: 0, invalid: 1 } } },
  })
  async get(@Param('siteId') siteId: string): Promise<IngestStatus> {
    await this.sites.require(siteId);
    return this.status.status(siteId);
  }
}
