import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** A secret from the environment, else from `name` in the data folder, else generated there (0600). */
export function resolveStoredSecret(fromEnv: string | undefined, dataDir: string, name: string, generate: () => string, minLength: number): { value: string; generated: boolean } {
  if (fromEnv) return { value: fromEnv, generated: false };
  const file = join(dataDir, name);
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (value.length >= minLength) return { value, generated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const value = generate();
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return { value, generated: true };
}

/** The admin token: from the environment, else from the data folder, else generated there (0600) on first start. */
export function resolveAdminToken(fromEnv: string | undefined, dataDir: string): { token: string; generated: boolean } {
  const { value, generated } = resolveStoredSecret(fromEnv, dataDir, 'admin-token', () => `pxa_${randomBytes(24).toString('base64url')}`, 16);
  return { token: value, generated };
}
