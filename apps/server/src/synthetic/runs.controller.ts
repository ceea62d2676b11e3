import { Controller, Get, Query, Res, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RunsQueryDto } from './dto/journey.dto';
import { RunRepository } from './run.repository';
import { RunsService, toRunView } from './runs.service';
import { AdminOnly } from '../common/auth';
import { UuidParam } from '../common/uuid';

@ApiTags('runs')
@AdminOnly()
@Controller('api/runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly repo: RunRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Runs, newest first, filtered by site, journey, location, status' })
  async list(@Query() q: RunsQueryDto) {
    return (await this.repo.list({ ...q, limit: q.limit ?? 50 })).map(toRunView);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A run with its steps, marks, console errors, failed requests and lab vitals' })
  get(@UuidParam('id') id: string) {
    return this.runs.get(id);
  }

  @Get(':id/artifacts/:name')
  @ApiOperation({ summary: "A stored image of the run: 'screenshot' (on failure) or 'step-<index>' (a screenshot: step), JPEG" })
  async artifact(@UuidParam('id') id: string, @Param('name') name: string, @Res() reply: FastifyReply) {
    const shot = await this.runs.artifact(id, name);
    void reply.header('content-type', shot.contentType).header('cache-control', 'private, max-age=86400').send(shot.data);
  }

  @Get(':id/screenshot')
  @ApiOperation({ summary: 'Screenshot taken when the run failed (JPEG)' })
  async screenshot(@UuidParam('id') id: string, @Res() reply: FastifyReply) {
    const shot = await this.runs.screenshot(id);
    void reply.header('content-type', shot.contentType).header('cache-control', 'private, max-age=86400').send(shot.data);
  }
}
