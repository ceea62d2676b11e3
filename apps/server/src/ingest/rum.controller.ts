import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SeriesView } from '@parallax/contracts';
import { parseSegment } from '@parallax/contracts';
import { DomainError } from '../common/domain-error';
import { SitesService } from '../sites/sites.service';
import { RangeQueryDto, SeriesQueryDto } from './dto/rum-query.dto';
import { RollupRepository } from './rollup.repository';
import { autoBucketMinutes, bucketize } from './rum-query';
import { AdminOnly } from '../common/auth';
import { UuidParam } from '../common/uuid';

const HOUR_MS = 3_600_000;
const MAX_RANGE_MS = 400 * 24 * HOUR_MS;

function range(q: { from?: string; to?: string }): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - HOUR_MS);
  if (from >= to) throw new DomainError('validation_failed', 'from: must be before to', { field: 'from' });
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new DomainError('validation_failed', 'from: range longer than 400 days', { field: 'from' });
  return { from, to };
}

/** Percentiles over time from rollups only: cost grows with range and series, not with traffic. */
@ApiTags('rum')
@AdminOnly()
@Controller('api/sites/:siteId/rum')
export class RumController {
  constructor(
    private readonly sites: SitesService,
    private readonly rollups: RollupRepository,
  ) {}

  @Get('series')
  @ApiOperation({ summary: 'p50/p75/p95 and counts per time bucket for a route, metric and optional segment' })
  async series(@UuidParam('siteId') siteId: string, @Query() q: SeriesQueryDto): Promise<SeriesView> {
    await this.sites.require(siteId);
    const { from, to } = range(q);
    const bucketMinutes = q.bucketMinutes ?? autoBucketMinutes(from.getTime(), to.getTime());
    // One written form per dimension (country:BR, browser:firefox 132): other casings find the same rows.
    const segment = parseSegment(q.segment);
    const dim = segment?.dim ?? 'all';
    const dimValue = segment?.value ?? 'all';
    const source = q.source ?? 'rum';
    const rows = await this.rollups.series({ siteId, source, route: q.route, metric: q.metric, dim, dimValue, from, to });
    return {
      route: q.route,
      metric: q.metric,
      source,
      segment: segment ? `${segment.dim}:${segment.value}` : null,
      bucketMinutes,
      points: bucketize(rows, from.getTime(), to.getTime(), bucketMinutes),
    };
  }

  @Get('routes')
  @ApiOperation({ summary: 'Routes with data in the range, busiest first' })
  async routes(@UuidParam('siteId') siteId: string, @Query() q: RangeQueryDto) {
    await this.sites.require(siteId);
    const { from, to } = range(q);
    return this.rollups.routes(siteId, q.source ?? 'rum', from, to);
  }
}
