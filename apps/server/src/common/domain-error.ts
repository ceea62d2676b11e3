/** Every domain error code; the exception filter maps each to one HTTP status. */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'not_found'
  | 'site_not_found'
  | 'unknown_site_key'
  | 'origin_not_allowed'
  | 'payload_too_large'
  | 'rate_limited'
  | 'conflict'
  | 'unavailable';

/** An expected failure with a stable code and a message safe to show to clients. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Seconds a client should wait before retrying (429/503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The HTTP status for a domain error code. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'validation_failed':
      return 400;
    case 'unauthorized':
      return 401;
    case 'origin_not_allowed':
      return 403;
    case 'not_found':
    case 'site_not_found':
    case 'unknown_site_key':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}
