import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_BEACON_BYTES } from '@parallax/contracts';
import { DomainError, httpStatusFor } from '../common/domain-error';
import type { IngestRejectReason } from '@parallax/contracts';
import type { IngestService } from './ingest.service';
import type { IngestStatusService } from './ingest-status.service';

const CORS_MAX_AGE_SECONDS = 86_400;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Access-Control-Allow-Origin only for an origin the site allows; Vary on every answer, as it depends on Origin. */
function corsHeaders(reply: FastifyReply, allowOrigin: string | undefined): void {
  reply.header('vary', 'Origin');
  if (allowOrigin) reply.header('access-control-allow-origin', allowOrigin);
}

function sendError(reply: FastifyReply, allowOrigin: string | undefined, error: unknown): void {
  corsHeaders(reply, allowOrigin);
  if (error instanceof DomainError) {
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    const status = httpStatusFor(error.code);
    void reply.status(status).send({ statusCode: status, code: error.code, message: error.message, details: error.details });
    return;
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 413) {
    void reply.status(413).send({ statusCode: 413, code: 'payload_too_large', message: `Body over ${MAX_BEACON_BYTES} bytes` });
  } else if (typeof status === 'number' && status >= 400 && status < 500) {
    void reply.status(400).send({ statusCode: 400, code: 'validation_failed', message: `body: ${(error as Error).message}` });
  } else {
    new Logger('Collector').error({ msg: 'unexpected collector error', error: (error as Error)?.message, stack: (error as Error)?.stack });
    void reply.status(503).header('retry-after', '5').send({ statusCode: 503, code: 'unavailable', message: 'Try again later' });
  }
}

/**
 * The beacon collector: a plain Fastify route (its path is configurable, and it must accept sendBeacon's
 * text/plain and any other content type as text, with its own 64 KB limit). A thin adapter around IngestService.
 */
/** The onboarding reason for a refused request, or undefined for refusals that are not the sender's doing (503). */
function rejectReason(error: unknown): IngestRejectReason | undefined {
  if (error instanceof DomainError) {
    switch (error.code) {
      case 'origin_not_allowed':
        return 'origin';
      case 'unknown_site_key':
        return 'key';
      case 'payload_too_large':
        return 'size';
      case 'rate_limited':
        return 'rate';
      case 'validation_failed':
        return 'invalid';
      default:
        return undefined;
    }
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 413) return 'size';
  return typeof status === 'number' && status >= 400 && status < 500 ? 'invalid' : undefined;
}

export async function registerCollectorRoutes(
  fastify: FastifyInstance,
  path: string,
  ingest: IngestService,
  status: IngestStatusService,
  regionHeader?: string,
): Promise<void> {
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BEACON_BYTES }, (_request, body, done) => done(null, body));
    // Errors before the body was read (too large, bad encoding): no site is known, so no origin is allowed.
    scope.setErrorHandler((error, request, reply) => {
      const reason = rejectReason(error);
      if (reason) status.rejected(reason, undefined, header(request, 'origin'));
      sendError(reply, undefined, error);
    });

    // The snippet sends a string body with sendBeacon or fetch, i.e. text/plain: a CORS-safelisted request that
    // browsers send without a preflight. A preflight carries no body, hence no site key, so it cannot name a site
    // whose allowed origins could be checked: it is answered without Access-Control-Allow-Origin, and browsers
    // do not send non-simple cross-origin requests (custom content types or headers) to the collector at all.
    scope.options(path, (_request, reply) => {
      void reply.header('vary', 'Origin').header('access-control-max-age', String(CORS_MAX_AGE_SECONDS)).status(204).send();
    });

    scope.post(path, { bodyLimit: MAX_BEACON_BYTES }, async (request, reply) => {
      const cors: { allowOrigin?: string; siteId?: string } = {};
      try {
        await ingest.collect({
          body: request.body ?? '',
          origin: header(request, 'origin'),
          userAgent: header(request, 'user-agent'),
          edgeCountry: regionHeader ? header(request, regionHeader) : undefined,
          clientAddress: request.ip,
          cors,
        });
        corsHeaders(reply, cors.allowOrigin);
        return reply.status(204).send();
      } catch (error) {
        const reason = rejectReason(error);
        if (reason) status.rejected(reason, cors.siteId, header(request, 'origin'));
        sendError(reply, cors.allowOrigin, error);
        return reply;
      }
    });
  });
}
