import { templateReferences, type Journey } from '@parallax/journeys';

/** Prefix of the environment variables that hold journey secrets on an agent (`PARALLAX_SECRET_SHOP_PASSWORD`). */
export const SECRET_ENV_PREFIX = 'PARALLAX_SECRET_';

export interface SecretsFromEnvOptions {
  /**
   * Also read a referenced secret from the plain variable `<NAME>` (default true). Variables named `PARALLAX_*`
   * never count, so a journey cannot read the agent's own token; turn this off where the environment holds other
   * credentials (the server's in-process agent).
   */
  plainFallback?: boolean;
  /**
   * Values for referenced secrets found nowhere in the environment: the documented demo values of the example
   * journeys, on the server's in-process agent only. Masked like any other secret; the environment always wins.
   */
  demoDefaults?: Readonly<Record<string, string>>;
}

/**
 * The secrets one run gets from the agent's environment: every `PARALLAX_SECRET_<NAME>` (so all of them are masked
 * in every result), and for each secret the journey references, `PARALLAX_SECRET_<NAME>` first, then `<NAME>`.
 * A referenced secret found in neither is absent from the map (see missingSecrets).
 */
export function secretsFromEnv(
  journey: Pick<Journey, 'steps'>,
  env: Record<string, string | undefined>,
  opts: SecretsFromEnvOptions = {},
): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(SECRET_ENV_PREFIX) && key.length > SECRET_ENV_PREFIX.length && value) {
      secrets[key.slice(SECRET_ENV_PREFIX.length)] = value;
    }
  }
  for (const name of templateReferences(journey).secrets) {
    const plain = opts.plainFallback !== false && !name.startsWith('PARALLAX_') ? env[name] : undefined;
    const value = env[SECRET_ENV_PREFIX + name] || plain || opts.demoDefaults?.[name];
    if (value) secrets[name] = value;
  }
  return secrets;
}

/** Names of the secrets the journey references that have no value, sorted. */
export function missingSecrets(journey: Pick<Journey, 'steps'>, secrets: Record<string, string | undefined>): string[] {
  return templateReferences(journey).secrets.filter((name) => !secrets[name]);
}

/** Why a run cannot start without these secrets; names only, never a value. */
export function missingSecretsMessage(names: string[]): string {
  const list = names.map((n) => `${n} (set ${SECRET_ENV_PREFIX}${n})`).join(', ');
  return `${names.length === 1 ? 'secret' : 'secrets'} not set in this agent's environment: ${list}`;
}
