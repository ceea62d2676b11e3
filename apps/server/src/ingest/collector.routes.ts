import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_BEACON_BYTES } from '@parallax/contracts';
import { DomainError, httpStatusFor } from '../common/domain-error';
import type { IngestService } from './ingest.service';

const CORS_MAX_AGE_SECONDS = 86_400;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendError(reply: FastifyReply, origin: string | undefined, error: unknown): void {
  if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
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
export async function registerCollectorRoutes(fastify: FastifyInstance, path: string, ingest: IngestService, regionHeader?: string): Promise<void> {
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BEACON_BYTES }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error, request, reply) => sendError(reply, header(request, 'origin'), error));

    scope.options(path, (request, reply) => {
      const origin = header(request, 'origin');
      if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      void reply
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', String(CORS_MAX_AGE_SECONDS))
        .status(204)
        .send();
    });

    scope.post(path, { bodyLimit: MAX_BEACON_BYTES }, async (request, reply) => {
      const origin = header(request, 'origin');
      try {
        await ingest.collect({
          body: request.body ?? '',
          origin,
          userAgent: header(request, 'user-agent'),
          edgeCountry: regionHeader ? header(request, regionHeader) : undefined,
          clientAddress: request.ip,
        });
        if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
        return reply.status(204).send();
      } catch (error) {
        sendError(reply, origin, error);
        return reply;
      }
    });
  });
}
