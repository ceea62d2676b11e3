import { Global, Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { BeaconCountsService } from './beacon-counts.service';
import { DomainEvents } from './domain-events';
import { LiveGateway } from './live.gateway';

@Global()
@Module({ imports: [IngestModule], providers: [DomainEvents, LiveGateway, BeaconCountsService], exports: [DomainEvents] })
export class LiveModule {}
