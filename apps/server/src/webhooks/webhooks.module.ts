import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module';
import { WebhooksController } from './webhooks.controller';
import { WebhookRepository } from './webhook.repository';
import { WebhooksService } from './webhooks.service';

/** Signed webhooks: incident and run events delivered to a site's URLs, with retries. */
@Module({
  imports: [SitesModule],
  controllers: [WebhooksController],
  providers: [WebhookRepository, WebhooksService],
})
export class WebhooksModule {}
