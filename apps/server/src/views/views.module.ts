import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module';
import { ViewsController } from './views.controller';
import { ViewsRepository } from './views.repository';

/** Read endpoints for the dashboard's screens (overview, segments, lab lines). */
@Module({ imports: [SitesModule], controllers: [ViewsController], providers: [ViewsRepository] })
export class ViewsModule {}
