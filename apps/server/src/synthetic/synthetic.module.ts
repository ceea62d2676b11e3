import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { SitesModule } from '../sites/sites.module';
import { AgentApiService } from './agent-api.service';
import { AgentController } from './agent.controller';
import { AgentRepository } from './agent.repository';
import { JourneyRepository } from './journey.repository';
import { JourneysController } from './journeys.controller';
import { JourneysService } from './journeys.service';
import { LocationsController } from './locations.controller';
import { RunRepository } from './run.repository';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';
import { SchedulerService } from './scheduler.service';
import { LocalAgentService } from './local-agent.service';

@Module({
  imports: [SitesModule, IngestModule],
  controllers: [AgentController, JourneysController, RunsController, LocationsController],
  providers: [AgentRepository, JourneyRepository, RunRepository, JourneysService, RunsService, SchedulerService, AgentApiService, LocalAgentService],
  exports: [LocalAgentService, AgentApiService, SchedulerService, JourneysService, RunRepository],
})
export class SyntheticModule {}
