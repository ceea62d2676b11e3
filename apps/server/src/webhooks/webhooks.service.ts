import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../common/domain-error';
import { PeriodicJob } from '../common/periodic-job';
import { SECRET_KEY } from '../config/runtime';
import { DomainEvents } from '../live/domain-events';
import { WEBHOOK_EVENTS } from '@parallax/contracts';
import { retryDelayMs, signWebhook, webhookSecret } from './webhook-signature';
import { WebhookRepository, type DeliveryRow } from './webhook.repository';

const DISPATCH_INTERVAL_MS = 1_000;
const DELIVERY_TIMEOUT_MS = 10_000;
const BATCH = 20;

/** A Slack-compatible one-line text for an event. */
export function eventText(event: string, data: Record<string, unknown>): string {
  if (event.startsWith('incident.')) {
    const verb = event === 'incident.opened' ? 'Opened' : event === 'incident.resolved' ? 'Resolved' : 'Updated';
    return `${verb}: ${String(data.summary ?? 'incident')}`;
  }
  if (event === 'run.completed') {
    return `Journey ${String(data.journeyName)} at ${String(data.location)}: ${String(data.status)}${data.durationMs != null ? ` in ${String(data.durationMs)} ms` : ''}`;
  }
  return event;
}

/**
 * Webhooks per site: deliveries are queued in the database (nothing lost across restarts), signed with
 * HMAC-SHA256 over timestamp and body, retried with backoff, and logged.
 */
@Injectable()
export class WebhooksService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly unsubscribe: (() => void)[] = [];
  private readonly dispatcher = new PeriodicJob(this.logger, 'webhook dispatch', () => this.dispatchPass());

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly events: DomainEvents,
    private readonly scheduler: SchedulerRegistry,
    @Inject(SECRET_KEY) private readonly secretKey: string,
  ) {}

  onModuleInit(): void {
    for (const event of WEBHOOK_EVENTS) {
      this.unsubscribe.push(this.events.on(event, (payload) => void this.enqueue(event, payload as unknown as { siteId: string } & Record<string, unknown>)));
    }
    this.dispatcher.every(this.scheduler, 'webhook-dispatch', DISPATCH_INTERVAL_MS, () => []);
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }

  /** Creates a webhook; the answer carries its signing secret, shown only this once. */
  async create(siteId: string, url: string, events: string[]) {
    const row = await this.webhooks.create(siteId, url, events);
    return { id: row.id, siteId, url, events, enabled: true, createdAt: row.createdAt.toISOString(), secret: webhookSecret(this.secretKey, row.id) };
  }

  list(siteId?: string) {
    return this.webhooks.list(siteId);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.webhooks.delete(id))) throw new DomainError('not_found', `No webhook with id ${id}`);
  }

  deliveries(webhookId: string, limit = 50) {
    return this.webhooks.deliveries(webhookId, limit);
  }

  /** Queues one delivery per enabled webhook of the site that wants `event`. */
  async enqueue(event: string, payload: { siteId: string } & Record<string, unknown>): Promise<void> {
    try {
      const body = (deliveryId: string) =>
        JSON.stringify({ event, deliveryId, createdAt: new Date().toISOString(), siteId: payload.siteId, text: eventText(event, payload), data: payload });
      const hooks = await this.webhooks.subscribed(payload.siteId, event);
      for (const webhookId of hooks) {
        const deliveryId = randomUUID();
        await this.webhooks.queueDelivery({ siteId: payload.siteId, id: deliveryId, webhookId, event, body: body(deliveryId) });
      }
      if (hooks.length) void this.dispatch();
    } catch (error) {
      this.logger.error({ msg: 'could not queue webhook deliveries', event, error: (error as Error).message });
    }
  }

  /** Sends due deliveries (claimed with SKIP LOCKED, so replicas share the work). */
  async dispatch(): Promise<void> {
    await this.dispatcher.run();
  }

  private async dispatchPass(): Promise<void> {
    for (;;) {
      const due = await this.webhooks.claimDue(BATCH);
      if (!due.length) break;
      await Promise.all(due.map((d) => this.deliver(d)));
    }
  }

  private async deliver(d: DeliveryRow): Promise<void> {
    const timestamp = Math.floor(Date.now() / 1000);
    const secret = webhookSecret(this.secretKey, d.webhookId);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Parallax-Webhook/1',
          'x-parallax-event': d.event,
          'x-parallax-delivery': d.id,
          'x-parallax-timestamp': String(timestamp),
          'x-parallax-signature': signWebhook(secret, timestamp, d.body),
        },
        body: d.body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      statusCode = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (e) {
      error = (e as Error).message;
    }
    const attempts = d.attempts + 1;
    if (!error) {
      await this.webhooks.markDelivered(d.id, attempts, statusCode);
      return;
    }
    const delay = retryDelayMs(attempts);
    await this.webhooks.markAttemptFailed(d.id, attempts, statusCode, error, delay);
    this.logger.warn({ msg: 'webhook delivery failed', deliveryId: d.id, attempts, error, willRetry: delay !== undefined });
  }
}
