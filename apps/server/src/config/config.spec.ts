import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, dataDir: './.parallax', embeddedPgPort: 54329, runMigrations: true });
    expect(c.databaseUrl).toBeUndefined();
  });

  it('reads typed values', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h:5432/db', PARALLAX_RUN_MIGRATIONS: 'false' });
    expect(c).toMatchObject({ port: 8080, databaseUrl: 'postgres://u@h:5432/db', runMigrations: false });
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PARALLAX_ADMIN_TOKEN: 'short', PARALLAX_LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'DATABASE_URL', 'PARALLAX_ADMIN_TOKEN', 'PARALLAX_LOG_LEVEL']) expect(message).toContain(name);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000);
  });
});
