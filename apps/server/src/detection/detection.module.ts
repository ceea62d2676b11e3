import { Module } from '@nestjs/common';
import { DeploymentsModule } from '../deployments/deployments.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { IngestModule } from '../ingest/ingest.module';
import { SitesModule } from '../sites/sites.module';
import { SyntheticModule } from '../synthetic/synthetic.module';
import { DetectionController } from './detection.controller';
import { DetectionService } from './detection.service';
import { DetectorRepository } from './detector.repository';
import { DetectorService } from './detector.service';

/** The detectors on each site's tick, their stored verdicts (coverage) and state. */
@Module({
  imports: [SitesModule, IngestModule, SyntheticModule, DeploymentsModule, IncidentsModule],
  controllers: [DetectionController],
  providers: [DetectorRepository, DetectorService, DetectionService],
  exports: [DetectorService],
})
export class DetectionModule {}
