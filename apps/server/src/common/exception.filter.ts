import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sqlStateOf } from '../database/database-errors';
import { DatabaseOutageMonitor } from '../database/database-outage';
import { DomainError, httpStatusFor } from './domain-error';

/** Shape of every error response. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  errorId?: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/**
 * Maps domain errors and Nest/Fastify HTTP errors to JSON; logs 5xx with an id; never sends a stack.
 * A database that is down or does not answer is the domain's 'unavailable' (503 + Retry-After), logged by the
 * outage monitor once per outage rather than once per request; a value PostgreSQL refuses (SQLSTATE class 22,
 * e.g. a NUL character that got past validation) is the client's 400.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Optional() @Inject(DatabaseOutageMonitor) private readonly outage?: DatabaseOutageMonitor) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const exception = this.translate(thrown, host.switchToHttp().getRequest<FastifyRequest>());
    const body = this.toBody(exception);
    if (body.statusCode >= 500 && !(exception instanceof DomainError && exception.code === 'unavailable')) {
      body.errorId = randomUUID();
      this.logger.error({ msg: 'request failed', errorId: body.errorId, error: exception instanceof Error ? exception.message : String(exception), stack: exception instanceof Error ? exception.stack : undefined });
    }
    if (exception instanceof DomainError && exception.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    reply.status(body.statusCode).send(body);
  }

  /** Database errors become domain errors; everything else is left as it is. */
  private translate(exception: unknown, request: FastifyRequest | undefined): unknown {
    if (exception instanceof DomainError || exception instanceof HttpException) return exception;
    const what = `${request?.method ?? ''} ${request?.routeOptions?.url ?? ''}`.trim();
    if (this.outage?.failed(exception, what)) {
      return new DomainError('unavailable', 'The database is unavailable right now; retry later', undefined, this.outage.retryAfterSeconds);
    }
    const state = sqlStateOf(exception);
    if (state?.startsWith('22')) {
      return new DomainError('validation_failed', 'body: a value was refused by the database (invalid characters or out of range)', { field: 'body', sqlState: state });
    }
    return exception;
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return { statusCode: httpStatusFor(exception.code), code: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      let message = exception.message;
      if (typeof response === 'object' && response !== null && 'message' in response) {
        const m = (response as { message: unknown }).message;
        message = Array.isArray(m) ? m.join('; ') : String(m);
      }
      return { statusCode: status, code: CODE_BY_STATUS[status] ?? 'error', message };
    }
    // Fastify errors (bad JSON body, body too large, unsupported media type) carry a statusCode.
    const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { statusCode: fastifyStatus, code: CODE_BY_STATUS[fastifyStatus] ?? 'bad_request', message: (exception as Error).message };
    }
    return { statusCode: 500, code: 'internal', message: 'Internal error; the server log has details under this error id.' };
  }
}
