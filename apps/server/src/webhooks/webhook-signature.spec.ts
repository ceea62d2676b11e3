import { describe, expect, it } from 'vitest';
import { retryDelayMs, signWebhook, verifyWebhook, webhookSecret } from './webhook-signature';

describe('webhook signatures', () => {
  it('derive a stable secret per webhook from the server key', () => {
    expect(webhookSecret('k'.repeat(32), 'a')).toBe(webhookSecret('k'.repeat(32), 'a'));
    expect(webhookSecret('k'.repeat(32), 'a')).not.toBe(webhookSecret('k'.repeat(32), 'b'));
    expect(webhookSecret('k'.repeat(32), 'a')).not.toBe(webhookSecret('j'.repeat(32), 'a'));
  });
  it('sign timestamp and body so receivers can verify, and reject tampering and replays', () => {
    const sig = signWebhook('s', 1000, '{"a":1}');
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook('s', 1000, '{"a":1}', sig, 1010)).toBe(true);
    expect(verifyWebhook('s', 1000, '{"a":2}', sig, 1010)).toBe(false);
    expect(verifyWebhook('t', 1000, '{"a":1}', sig, 1010)).toBe(false);
    expect(verifyWebhook('s', 1000, '{"a":1}', sig, 2000)).toBe(false);
  });
  it('back off, then stop', () => {
    expect(retryDelayMs(1)).toBe(5_000);
    expect(retryDelayMs(2)! > retryDelayMs(1)!).toBe(true);
    expect(retryDelayMs(7)).toBeUndefined();
  });
});
