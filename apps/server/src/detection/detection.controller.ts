import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DetectionCoverage } from '@parallax/contracts';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { DetectionService } from './detection.service';
import { DetectionCoverageView, DetectionQueryDto } from './dto/detection.dto';

@ApiTags('detection')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/sites/:siteId/detection')
export class DetectionController {
  constructor(private readonly detection: DetectionService) {}

  @Get()
  @ApiOperation({
    summary: "Latest verdict per source x route x metric: regressed, ok ('watching', with the smallest change it would see) or insufficient ('not enough data', with the shortfall)",
  })
  @ApiOkResponse({ type: DetectionCoverageView })
  coverage(@Param('siteId') siteId: string, @Query() q: DetectionQueryDto): Promise<DetectionCoverage> {
    return this.detection.coverage(siteId, q);
  }
}
