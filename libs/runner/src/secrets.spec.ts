import type { Journey } from '@parallax/journeys';
import { describe, expect, it } from 'vitest';
import { missingSecrets, missingSecretsMessage, secretsFromEnv } from './secrets';

const journey = {
  steps: [
    { goto: '/login' },
    { fill: { selector: '#user', value: '${{ secrets.SHOP_USER }}' } },
    { fill: { selector: '#pw', value: '${{ secrets.SHOP_PASSWORD }}' } },
  ],
} as unknown as Pick<Journey, 'steps'>;

describe('secretsFromEnv', () => {
  it('reads PARALLAX_SECRET_NAME first, then NAME, and keeps every PARALLAX_SECRET_ value for masking', () => {
    const env = { PARALLAX_SECRET_SHOP_PASSWORD: 'from-prefixed', SHOP_PASSWORD: 'plain-loses', SHOP_USER: 'plain-user', PARALLAX_SECRET_OTHER: 'other', PATH: '/bin' };
    expect(secretsFromEnv(journey, env)).toEqual({ SHOP_PASSWORD: 'from-prefixed', SHOP_USER: 'plain-user', OTHER: 'other' });
  });

  it('never reads PARALLAX_* variables as plain secrets, and can skip plain variables altogether', () => {
    const tokenJourney = { steps: [{ fill: { selector: '#x', value: '${{ secrets.PARALLAX_AGENT_TOKEN }}' } }] } as unknown as Pick<Journey, 'steps'>;
    expect(secretsFromEnv(tokenJourney, { PARALLAX_AGENT_TOKEN: 'the-token-value' })).toEqual({});
    expect(secretsFromEnv(journey, { SHOP_USER: 'u', SHOP_PASSWORD: 'p' }, { plainFallback: false })).toEqual({});
  });

  it('uses a demo default only for a referenced secret the environment lacks', () => {
    const demoDefaults = { SHOP_PASSWORD: 'demo', UNUSED: 'demo-unused' };
    expect(secretsFromEnv(journey, {}, { plainFallback: false, demoDefaults })).toEqual({ SHOP_PASSWORD: 'demo' });
    expect(secretsFromEnv(journey, { PARALLAX_SECRET_SHOP_PASSWORD: 'real' }, { plainFallback: false, demoDefaults })).toEqual({ SHOP_PASSWORD: 'real' });
  });

  it('names the missing secrets and how to set them, without any value', () => {
    const secrets = secretsFromEnv(journey, { SHOP_USER: 'visible-user' });
    expect(missingSecrets(journey, secrets)).toEqual(['SHOP_PASSWORD']);
    const message = missingSecretsMessage(missingSecrets(journey, secrets));
    expect(message).toBe("secret not set in this agent's environment: SHOP_PASSWORD (set PARALLAX_SECRET_SHOP_PASSWORD)");
    expect(message).not.toContain('visible-user');
  });
});
