import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { SECRET_KEY } from '../config/runtime';
import { queryRows } from '../database/sql';
import { DomainEvents } from '../live/domain-events';
import { WEBHOOK_EVENTS } from './dto/correlation.dto';
import { retryDelayMs, signWebhook, webhookSecret } from './webhook-signature';
import { jobFailureLevel } from '../database/database-errors';

const DISPATCH_INTERVAL_MS = 1_000;
const DELIVERY_TIMEOUT_MS = 10_000;
const BATCH = 20;

interface DeliveryRow {
  siteId: string;
  id: string;
  webhookId: string;
  event: string;
  body: string;
  attempts: number;
  url: string;
}

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
  private dispatching = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly scheduler: SchedulerRegistry,
    @Inject(SECRET_KEY) private readonly secretKey: string,
  ) {}

  onModuleInit(): void {
    for (const event of WEBHOOK_EVENTS) {
      this.unsubscribe.push(this.events.on(event, (payload) => void this.enqueue(event, payload as unknown as { siteId: string } & Record<string, unknown>)));
    }
    this.scheduler.addInterval('webhook-dispatch', setInterval(() => void this.dispatch(), DISPATCH_INTERVAL_MS));
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }

  /** Creates a webhook; the answer carries its signing secret, shown only this once. */
  async create(siteId: string, url: string, events: string[]) {
    const rows = await queryRows<{ id: string; createdAt: Date }>(
      this.dataSource,
      `INSERT INTO webhooks (site_id, url, events) VALUES ($1, $2, $3) RETURNING id, created_at AS "createdAt"`,
      [siteId, url, events],
    );
    return { id: rows[0].id, siteId, url, events, enabled: true, createdAt: rows[0].createdAt.toISOString(), secret: webhookSecret(this.secretKey, rows[0].id) };
  }

  list(siteId?: string) {
    return queryRows(
      this.dataSource,
      `SELECT id, site_id AS "siteId", url, events, enabled, created_at AS "createdAt" FROM webhooks WHERE ($1::uuid IS NULL OR site_id = $1) ORDER BY created_at`,
      [siteId ?? null],
    );
  }

  async delete(id: string): Promise<void> {
    const rows = await queryRows(this.dataSource, `DELETE FROM webhooks WHERE id = $1 RETURNING id`, [id]);
    if (!rows.length) throw new DomainError('not_found', `No webhook with id ${id}`);
  }

  deliveries(webhookId: string, limit = 50) {
    return queryRows(
      this.dataSource,
      `SELECT id, event, status, attempts, last_status_code AS "lastStatusCode", last_error AS "lastError", created_at AS "createdAt",
         delivered_at AS "deliveredAt", next_attempt_at AS "nextAttemptAt" FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC LIMIT $2`,
      [webhookId, limit],
    );
  }

  /** Queues one delivery per enabled webhook of the site that wants `event`. */
  async enqueue(event: string, payload: { siteId: string } & Record<string, unknown>): Promise<void> {
    try {
      const body = (deliveryId: string) =>
        JSON.stringify({ event, deliveryId, createdAt: new Date().toISOString(), siteId: payload.siteId, text: eventText(event, payload), data: payload });
      const hooks = await queryRows<{ id: string }>(this.dataSource, `SELECT id FROM webhooks WHERE site_id = $1 AND enabled AND $2 = ANY(events)`, [payload.siteId, event]);
      for (const hook of hooks) {
        const deliveryId = randomUUID();
        await queryRows(
          this.dataSource,
          `INSERT INTO webhook_deliveries (site_id, id, webhook_id, event, body, status) VALUES ($1, $2, $3, $4, $5, 'pending')`,
          [payload.siteId, deliveryId, hook.id, event, body(deliveryId)],
        );
      }
      if (hooks.length) void this.dispatch();
    } catch (error) {
      this.logger.error({ msg: 'could not queue webhook deliveries', event, error: (error as Error).message });
    }
  }

  /** Sends due deliveries (claimed with SKIP LOCKED, so replicas share the work). */
  async dispatch(): Promise<void> {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (;;) {
        const due = await queryRows<DeliveryRow>(
          this.dataSource,
          `UPDATE webhook_deliveries d SET next_attempt_at = now() + interval '60 seconds'
           FROM (SELECT site_id, id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
                 ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED) due, webhooks w
           WHERE d.site_id = due.site_id AND d.id = due.id AND w.id = d.webhook_id
           RETURNING d.site_id AS "siteId", d.id, d.webhook_id AS "webhookId", d.event, d.body, d.attempts, w.url`,
        );
        if (!due.length) break;
        await Promise.all(due.map((d) => this.deliver(d)));
      }
    } catch (error) {
      this.logger[jobFailureLevel(error)]({ msg: 'webhook dispatch failed; will retry', error: (error as Error).message });
    } finally {
      this.dispatching = false;
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
      await queryRows(this.dataSource, `UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, last_status_code = $3, last_error = NULL, delivered_at = now() WHERE id = $1`, [d.id, attempts, statusCode]);
      return;
    }
    const delay = retryDelayMs(attempts);
    await queryRows(
      this.dataSource,
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status_code = $4, last_error = $5,
         next_attempt_at = now() + ($6 || ' milliseconds')::interval WHERE id = $1`,
      [d.id, delay === undefined ? 'failed' : 'pending', attempts, statusCode, error.slice(0, 500), String(delay ?? 0)],
    );
    this.logger.warn({ msg: 'webhook delivery failed', deliveryId: d.id, attempts, error, willRetry: delay !== undefined });
  }
}
