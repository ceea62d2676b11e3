import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DetectionCoverage } from '@parallax/contracts';
import { DetectionService } from './detection.service';
import { DetectionCoverageView, DetectionQueryDto } from './dto/detection.dto';
import { AdminOnly } from '../common/auth';
import { UuidParam } from '../common/uuid';

@ApiTags('detection')
@AdminOnly()
@Controller('api/sites/:siteId/detection')
export class DetectionController {
  constructor(private readonly detection: DetectionService) {}

  @Get()
  @ApiOperation({
    summary: "Latest verdict per source x route x metric: regressed, ok ('watching', with the smallest change it would see) or insufficient ('not enough data', with the shortfall)",
  })
  @ApiOkResponse({ type: DetectionCoverageView })
  coverage(@UuidParam('siteId') siteId: string, @Query() q: DetectionQueryDto): Promise<DetectionCoverage> {
    return this.detection.coverage(siteId, q);
  }
}
