import { Module } from '@nestjs/common';
import { SiteRepository } from './site.repository';
import { SitesController } from './sites.controller';
import { SitesService } from './sites.service';

@Module({ controllers: [SitesController], providers: [SiteRepository, SitesService], exports: [SiteRepository, SitesService] })
export class SitesModule {}
