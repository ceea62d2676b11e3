import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module';
import { DeploymentRepository } from './deployment.repository';
import { DeploymentsController } from './deployments.controller';
import { IncidentRepository } from './incident.repository';
import { IncidentViewsService } from './incident-views.service';
import { IncidentsController } from './incidents.controller';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [SitesModule],
  controllers: [DeploymentsController, IncidentsController, WebhooksController],
  providers: [DeploymentRepository, IncidentRepository, IncidentViewsService, WebhooksService],
  exports: [DeploymentRepository, IncidentRepository, IncidentViewsService],
})
export class CorrelationModule {}
