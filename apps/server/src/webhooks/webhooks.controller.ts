import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { requireUuid } from '../common/uuid';
import { SitesService } from '../sites/sites.service';
import { CreateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
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
  list(@Query('siteId') siteId?: string) {
    if (siteId !== undefined) requireUuid(siteId, 'siteId');
    return this.webhooks.list(siteId);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery log of a webhook, newest first' })
  deliveries(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.webhooks.deliveries(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.webhooks.delete(id);
  }
}
