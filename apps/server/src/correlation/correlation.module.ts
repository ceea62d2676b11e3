import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { SitesModule } from '../sites/sites.module';
import { DetectionController } from './detection.controller';
import { DetectionService } from './detection.service';
import { DetectorRepository } from './detector.repository';
import { DetectorService } from './detector.service';
import { DeploymentRepository } from './deployment.repository';
import { DeploymentsController } from './deployments.controller';
import { IncidentRepository } from './incident.repository';
import { IncidentViewsService } from './incident-views.service';
import { IncidentsController } from './incidents.controller';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [SitesModule, IngestModule],
  controllers: [DeploymentsController, IncidentsController, WebhooksController, DetectionController],
  providers: [DeploymentRepository, IncidentRepository, IncidentViewsService, WebhooksService, DetectorRepository, DetectorService, DetectionService],
  exports: [DeploymentRepository, IncidentRepository, IncidentViewsService, DetectorService],
})
export class CorrelationModule {}
