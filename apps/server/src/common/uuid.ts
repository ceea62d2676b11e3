import { DomainError } from './domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID (as PostgreSQL's uuid type accepts it in our ids). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Throws a 400 naming `field` unless `value` is a UUID (so a malformed id never reaches SQL). */
export function requireUuid(value: string, field = 'id'): void {
  if (!isUuid(value)) throw new DomainError('validation_failed', `${field}: must be a UUID`, { field });
}
