import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signing secret of a webhook, derived from the server key (never stored). */
export function webhookSecret(secretKey: string, webhookId: string): string {
  return `whsec_${createHmac('sha256', secretKey).update(`webhook:${webhookId}`).digest('base64url')}`;
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): what receivers recompute to verify a delivery. */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** Receiver-side check (also used in tests and docs): signature matches and the timestamp is recent. */
export function verifyWebhook(secret: string, timestampSeconds: number, body: string, signature: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  if (Math.abs(nowSeconds - timestampSeconds) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestampSeconds, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Delay before delivery attempt `attempt` (1-based) is retried; undefined once attempts are exhausted. */
export function retryDelayMs(attempt: number): number | undefined {
  const delays = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];
  return delays[attempt - 1];
}
