import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../common/domain-error';
import { AgentRepository } from './agent.repository';
import { AGENT_STALE_MS } from './agent-api.service';
import { LOCATION_NAME, LocationDto } from './dto/journey.dto';
import { AdminOnly } from '../common/auth';
import { LocalAgentService } from './local-agent.service';

@ApiTags('locations')
@AdminOnly()
@Controller('api/locations')
export class LocationsController {
  constructor(
    private readonly agents: AgentRepository,
    private readonly localAgent: LocalAgentService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Locations with their live agents; a location with no agent seen for 30 s is stale. `local` also says which browser its in-process agent uses',
  })
  async list() {
    const locations = await this.agents.locations(AGENT_STALE_MS);
    return locations.map((l) => (l.name === 'local' ? { ...l, browser: this.localAgent.browser() } : l));
  }

  @Put(':name')
  @ApiOperation({ summary: 'Create or update a location (name, region label, default device and network profile)' })
  async upsert(@Param('name') name: string, @Body() body: LocationDto) {
    if (!LOCATION_NAME.test(name)) throw new DomainError('validation_failed', 'name: lowercase letters, digits and -, like eu-west', { field: 'name' });
    await this.agents.upsertLocation({ name, ...body });
    return (await this.agents.locations(AGENT_STALE_MS)).find((l) => l.name === name);
  }
}
