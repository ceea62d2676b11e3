import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SitesService } from '../sites/sites.service';
import { CreateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';
import { AdminOnly } from '../common/auth';
import { UuidParam, OptionalUuidQuery } from '../common/uuid';

@ApiTags('webhooks')
@AdminOnly()
@Controller('api/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly sites: SitesService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a webhook; the answer carries its signing secret (shown once)',
    description:
      'Deliveries are POSTed as JSON with a Slack-compatible `text` field and headers X-Parallax-Event, X-Parallax-Delivery, ' +
      'X-Parallax-Timestamp and X-Parallax-Signature = "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body). ' +
      'Failed deliveries are retried after 5 s, 30 s, 2 min, 10 min, 30 min and 1 h.',
  })
  async create(@Body() body: CreateWebhookDto) {
    await this.sites.require(body.siteId);
    return this.webhooks.create(body.siteId, body.url, body.events ?? ['incident.opened', 'incident.updated', 'incident.resolved']);
  }

  @Get()
  @ApiQuery({ name: 'siteId', required: false })
  list(@OptionalUuidQuery('siteId') siteId?: string) {
    return this.webhooks.list(siteId);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery log of a webhook, newest first' })
  deliveries(@UuidParam('id') id: string) {
    return this.webhooks.deliveries(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@UuidParam('id') id: string): Promise<void> {
    await this.webhooks.delete(id);
  }
}
