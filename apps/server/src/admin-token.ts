import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** The admin token: from the environment, else from the data folder, else generated there (0600) on first start. */
export function resolveAdminToken(fromEnv: string | undefined, dataDir: string): { token: string; generated: boolean } {
  if (fromEnv) return { token: fromEnv, generated: false };
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return { token, generated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = `pxa_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return { token, generated: true };
}
