import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CreateJourneyDto, UpdateJourneyDto } from './dto/journey.dto';
import { JourneysService, toJourneyView } from './journeys.service';
import { RunsService } from './runs.service';
import { AdminOnly } from '../common/auth';
import { UuidParam, OptionalUuidQuery } from '../common/uuid';

@ApiTags('journeys')
@AdminOnly()
@Controller('api/journeys')
export class JourneysController {
  constructor(
    private readonly journeys: JourneysService,
    private readonly runs: RunsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create (or replace, by name) a journey from YAML' })
  async create(@Body() body: CreateJourneyDto) {
    return toJourneyView((await this.journeys.save(body.yaml, { origin: 'api', siteId: body.siteId })).journey);
  }

  @Get()
  @ApiQuery({ name: 'siteId', required: false })
  async list(@OptionalUuidQuery('siteId') siteId?: string) {
    return (await this.journeys.list(siteId)).map(toJourneyView);
  }

  @Get(':id')
  async get(@UuidParam('id') id: string) {
    return toJourneyView(await this.journeys.require(id));
  }

  @Put(':id')
  @ApiOperation({ summary: 'New version of a journey (its name must stay the same)' })
  async update(@UuidParam('id') id: string, @Body() body: UpdateJourneyDto) {
    const existing = await this.journeys.require(id);
    return toJourneyView((await this.journeys.save(body.yaml, { origin: existing.origin, filePath: existing.filePath ?? undefined, siteId: existing.siteId })).journey);
  }

  @Post(':id/enable')
  @HttpCode(200)
  async enable(@UuidParam('id') id: string) {
    return toJourneyView(await this.journeys.setEnabled(id, true));
  }

  @Post(':id/disable')
  @HttpCode(200)
  async disable(@UuidParam('id') id: string) {
    return toJourneyView(await this.journeys.setEnabled(id, false));
  }

  @Post(':id/run')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run now, once per location of the journey' })
  async runNow(@UuidParam('id') id: string) {
    return this.runs.runNow(await this.journeys.require(id));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@UuidParam('id') id: string): Promise<void> {
    await this.journeys.delete(id);
  }
}
