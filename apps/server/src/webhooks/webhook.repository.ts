import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';

/** A delivery claimed for sending, with its webhook's URL. */
export interface DeliveryRow {
  siteId: string;
  id: string;
  webhookId: string;
  event: string;
  body: string;
  attempts: number;
  url: string;
}

/** A webhook as the API lists it (the secret is never stored: it is derived from the id). */
export interface WebhookRow {
  id: string;
  siteId: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: Date;
}

/** A delivery as the API lists it. */
export interface DeliveryLogRow {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  nextAttemptAt: Date;
}

/** All SQL on webhooks and webhook_deliveries. */
@Injectable()
export class WebhookRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(siteId: string, url: string, events: string[]): Promise<{ id: string; createdAt: Date }> {
    const rows = await queryRows<{ id: string; createdAt: Date }>(
      this.dataSource,
      `INSERT INTO webhooks (site_id, url, events) VALUES ($1, $2, $3) RETURNING id, created_at AS "createdAt"`,
      [siteId, url, events],
    );
    return rows[0];
  }

  list(siteId?: string): Promise<WebhookRow[]> {
    return queryRows<WebhookRow>(
      this.dataSource,
      `SELECT id, site_id AS "siteId", url, events, enabled, created_at AS "createdAt" FROM webhooks WHERE ($1::uuid IS NULL OR site_id = $1) ORDER BY created_at`,
      [siteId ?? null],
    );
  }

  /** Deletes a webhook; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const rows = await queryRows(this.dataSource, `DELETE FROM webhooks WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  deliveries(webhookId: string, limit: number): Promise<DeliveryLogRow[]> {
    return queryRows<DeliveryLogRow>(
      this.dataSource,
      `SELECT id, event, status, attempts, last_status_code AS "lastStatusCode", last_error AS "lastError", created_at AS "createdAt",
         delivered_at AS "deliveredAt", next_attempt_at AS "nextAttemptAt" FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC LIMIT $2`,
      [webhookId, limit],
    );
  }

  /** Ids of the site's enabled webhooks that want `event`. */
  async subscribed(siteId: string, event: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(this.dataSource, `SELECT id FROM webhooks WHERE site_id = $1 AND enabled AND $2 = ANY(events)`, [
      siteId,
      event,
    ]);
    return rows.map((r) => r.id);
  }

  async queueDelivery(d: { siteId: string; id: string; webhookId: string; event: string; body: string }): Promise<void> {
    await queryRows(this.dataSource, `INSERT INTO webhook_deliveries (site_id, id, webhook_id, event, body, status) VALUES ($1, $2, $3, $4, $5, 'pending')`, [
      d.siteId,
      d.id,
      d.webhookId,
      d.event,
      d.body,
    ]);
  }

  /** Claims up to `batch` due deliveries (SKIP LOCKED, so replicas share the work); a claim holds them for 60 s. */
  claimDue(batch: number): Promise<DeliveryRow[]> {
    return queryRows<DeliveryRow>(
      this.dataSource,
      `UPDATE webhook_deliveries d SET next_attempt_at = now() + interval '60 seconds'
       FROM (SELECT site_id, id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
             ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due, webhooks w
       WHERE d.site_id = due.site_id AND d.id = due.id AND w.id = d.webhook_id
       RETURNING d.site_id AS "siteId", d.id, d.webhook_id AS "webhookId", d.event, d.body, d.attempts, w.url`,
      [batch],
    );
  }

  async markDelivered(id: string, attempts: number, statusCode: number | null): Promise<void> {
    await queryRows(
      this.dataSource,
      `UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, last_status_code = $3, last_error = NULL, delivered_at = now() WHERE id = $1`,
      [id, attempts, statusCode],
    );
  }

  /** Records a failed attempt: retried after `retryInMs`, or failed for good when that is undefined. */
  async markAttemptFailed(id: string, attempts: number, statusCode: number | null, error: string, retryInMs: number | undefined): Promise<void> {
    await queryRows(
      this.dataSource,
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status_code = $4, last_error = $5,
         next_attempt_at = now() + ($6 || ' milliseconds')::interval WHERE id = $1`,
      [id, retryInMs === undefined ? 'failed' : 'pending', attempts, statusCode, error.slice(0, 500), String(retryInMs ?? 0)],
    );
  }
}
