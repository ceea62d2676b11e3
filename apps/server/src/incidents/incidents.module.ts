import { Module } from '@nestjs/common';
import { DeploymentsModule } from '../deployments/deployments.module';
import { IncidentRepository } from './incident.repository';
import { IncidentViewsService } from './incident-views.service';
import { IncidentsController } from './incidents.controller';

/** Incidents as stored, viewed and acknowledged; the detector opens, updates and resolves them. */
@Module({
  imports: [DeploymentsModule],
  controllers: [IncidentsController],
  providers: [IncidentRepository, IncidentViewsService],
  exports: [IncidentRepository, IncidentViewsService],
})
export class IncidentsModule {}
