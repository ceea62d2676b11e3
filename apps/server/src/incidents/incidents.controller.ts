import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { IncidentsQueryDto } from './dto/incident.dto';
import { IncidentRepository } from './incident.repository';
import { IncidentViewsService } from './incident-views.service';

@ApiTags('incidents')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/incidents')
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly views: IncidentViewsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Incidents, newest first, filtered by site, status, label, route, metric' })
  async list(@Query() q: IncidentsQueryDto) {
    const rows = await this.incidents.list({ ...q, limit: q.limit ?? 50 });
    return Promise.all(rows.map((r) => this.views.view(r)));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One incident with its evidence: windows, sample sizes, baseline and current values, change and CI, segments, locations, suspected deployment' })
  get(@Param('id') id: string) {
    return this.views.get(id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  acknowledge(@Param('id') id: string) {
    return this.views.acknowledge(id);
  }
}
