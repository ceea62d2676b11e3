import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { SitesModule } from '../sites/sites.module';
import { BeaconRepository } from './beacon.repository';
import { registerCollectorRoutes } from './collector.routes';
import { IngestService } from './ingest.service';
import { BeaconCountsService } from './beacon-counts.service';
import { IngestStatusController } from './ingest-status.controller';
import { IngestStatusRepository } from './ingest-status.repository';
import { IngestStatusService } from './ingest-status.service';
import { RetentionService } from './retention.service';
import { RollupAggregator } from './rollup-aggregator';
import { RollupRepository } from './rollup.repository';
import { RollupService } from './rollup.service';
import { RumController } from './rum.controller';
import { SaltService } from './salt.service';
import { SiteCacheService } from './site-cache.service';
import { SnippetController } from './snippet.controller';

@Module({
  imports: [SitesModule],
  controllers: [RumController, SnippetController, IngestStatusController],
  providers: [
    BeaconRepository,
    RollupRepository,
    { provide: RollupAggregator, useFactory: () => new RollupAggregator() },
    SiteCacheService,
    SaltService,
    IngestService,
    IngestStatusRepository,
    IngestStatusService,
    RollupService,
    RetentionService,
    BeaconCountsService,
  ],
  exports: [IngestService, IngestStatusService, RollupRepository, RollupService, RetentionService, BeaconRepository],
})
export class IngestModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly ingest: IngestService,
    private readonly status: IngestStatusService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await registerCollectorRoutes(fastify, this.config.collectPath, this.ingest, this.status, this.config.regionHeader);
  }
}
