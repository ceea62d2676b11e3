import { Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { DomainError } from './domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID (as PostgreSQL's uuid type accepts it in our ids). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

const uuidPipe = (name: string, optional = false) =>
  new ParseUUIDPipe({ optional, exceptionFactory: () => new DomainError('validation_failed', `${name}: must be a UUID`, { field: name }) });

/** A route parameter that must be a UUID: a malformed one is a 400 naming it, before any service or SQL sees it. */
export const UuidParam = (name: string): ParameterDecorator => Param(name, uuidPipe(name));

/** An optional query parameter that must be a UUID when given. */
export const OptionalUuidQuery = (name: string): ParameterDecorator => Query(name, uuidPipe(name, true));
