import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SitesService } from '../sites/sites.service';
import { CreateDeploymentDto, DeploymentsQueryDto } from './dto/deployment.dto';
import { DeploymentRepository, type DeploymentRow } from './deployment.repository';
import { AdminOnly } from '../common/auth';

const toView = (d: DeploymentRow) => ({ ...d, at: d.at.toISOString() });

/** Deployment markers and other changes, posted from CI pipelines. */
@ApiTags('deployments')
@AdminOnly()
@Controller('api/deployments')
export class DeploymentsController {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly sites: SitesService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Record a deployment or other change',
    description:
      'From a CI pipeline: `curl -X POST $PARALLAX_URL/api/deployments -H "Authorization: Bearer $PARALLAX_TOKEN" ' +
      `-H 'Content-Type: application/json' -d '{"siteId":"<site id>","version":"v2.3.1","commit":"'$GIT_SHA'","kind":"deployment"}'\``,
  })
  async create(@Body() body: CreateDeploymentDto) {
    await this.sites.require(body.siteId);
    return toView(
      await this.deployments.create({
        siteId: body.siteId,
        version: body.version,
        commit: body.commit ?? null,
        description: body.description ?? null,
        kind: body.kind ?? 'deployment',
        at: body.at ? new Date(body.at) : new Date(),
      }),
    );
  }

  @Get()
  async list(@Query() q: DeploymentsQueryDto) {
    const rows = await this.deployments.list({ siteId: q.siteId, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, limit: q.limit ?? 100 });
    return rows.map(toView);
  }
}
