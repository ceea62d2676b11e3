import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module';
import { DeploymentRepository } from './deployment.repository';
import { DeploymentsController } from './deployments.controller';

/** Deployments and other changes posted by CI: the candidates the detector names as suspects. */
@Module({
  imports: [SitesModule],
  controllers: [DeploymentsController],
  providers: [DeploymentRepository],
  exports: [DeploymentRepository],
})
export class DeploymentsModule {}
