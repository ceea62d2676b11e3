import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IncidentsQueryDto } from './dto/incident.dto';
import { IncidentRepository } from './incident.repository';
import { IncidentViewsService } from './incident-views.service';
import { AdminOnly } from '../common/auth';
import { UuidParam } from '../common/uuid';

@ApiTags('incidents')
@AdminOnly()
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
  get(@UuidParam('id') id: string) {
    return this.views.get(id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  acknowledge(@UuidParam('id') id: string) {
    return this.views.acknowledge(id);
  }
}
