import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable, throwError, timeout } from 'rxjs';
import { DatabaseOutageMonitor } from '../database/database-outage';
import { DomainError } from './domain-error';

/** Longest an API request may take before it is answered 503 (a stalled database never answers). */
export const API_DEADLINE_MS = 10_000;

/** API routes: everything under /api except the static OpenAPI docs (health, metrics and the dashboard need no gate). */
function isGated(url: string): boolean {
  return url.startsWith('/api/') && !url.startsWith('/api/docs');
}

/**
 * While the database is known to be down, API requests are answered 503 + Retry-After at once instead of each
 * waiting on it; and no API request waits longer than API_DEADLINE_MS (the statement behind it may still be
 * stuck on a stalled server, but the client gets its answer, and the monitor probes the database).
 */
@Injectable()
export class DatabaseGateInterceptor implements NestInterceptor {
  constructor(@Inject(DatabaseOutageMonitor) private readonly outage: DatabaseOutageMonitor) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const url = request?.url ?? '';
    if (!isGated(url)) return next.handle();
    const what = `${request.method} ${request.routeOptions?.url ?? url}`;
    if (this.outage.down) {
      this.outage.rejected(what);
      return throwError(() => unavailable(this.outage.retryAfterSeconds));
    }
    return next.handle().pipe(
      timeout({
        first: API_DEADLINE_MS,
        with: () => {
          this.outage.suspect(what);
          return throwError(() => unavailable(this.outage.retryAfterSeconds));
        },
      }),
    );
  }
}

function unavailable(retryAfterSeconds: number): DomainError {
  return new DomainError('unavailable', 'The database is unavailable right now; retry later', undefined, retryAfterSeconds);
}
