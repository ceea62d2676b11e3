/**
 * Which errors mean "the database is not reachable right now" (answer 503 and retry) rather than "this request
 * is wrong" or "our bug". node-postgres reports network failures with Node's errno codes and no SQLSTATE,
 * its own timeouts with a plain message; PostgreSQL reports shutdown and overload with SQLSTATEs.
 */

/** Node errno codes seen when PostgreSQL is down, unreachable or resets the connection. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENOENT']);

/** node-postgres and pg-pool messages for a connection that timed out, broke or was closed under us. */
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /connection terminated/i,
  /connection timeout/i,
  /client has encountered a connection error and is not queryable/i,
  /cannot use a pool after calling end/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
];

/** SQLSTATEs that mean the server (not the statement's data) is the problem. */
function unavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now
    code === '57014' || // query_canceled (statement_timeout)
    code === '53300' || // too_many_connections
    code === '53100' || // disk_full
    code === '40001' || // serialization_failure: retrying is the documented answer
    code === '40P01' || // deadlock_detected: likewise
    code === '55P03' || // lock_not_available (lock_timeout)
    code === '25P03' // idle_in_transaction_session_timeout
  );
}

/** The underlying driver error of a TypeORM error (QueryFailedError keeps it in `driverError`). */
function driverErrorOf(error: unknown): unknown {
  const driver = (error as { driverError?: unknown } | null)?.driverError;
  return driver ?? error;
}

/** True when `error` says the database is unavailable, overloaded or timed out: the client should retry later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const candidate of [error, driverErrorOf(error), (error as { cause?: unknown } | null)?.cause]) {
    if (candidate === null || typeof candidate !== 'object') continue;
    const code = (candidate as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && unavailableSqlState(code)) return true;
    }
    const message = (candidate as { message?: unknown }).message;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return true;
    // AggregateError from a connect to several addresses (localhost resolves to ::1 and 127.0.0.1).
    const errors = (candidate as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => isDatabaseUnavailable(e))) return true;
  }
  return false;
}

/** The SQLSTATE of a PostgreSQL error (also inside a TypeORM error), or undefined. */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (driverErrorOf(error) as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * The level for a background job's "failed; will retry" line: debug when the database is unavailable (the
 * outage monitor logs the outage once when it starts and once when it ends), warn for anything else.
 */
export function jobFailureLevel(error: unknown): 'debug' | 'warn' {
  return isDatabaseUnavailable(error) ? 'debug' : 'warn';
}
