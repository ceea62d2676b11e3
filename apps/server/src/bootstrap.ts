import 'reflect-metadata';
import { Logger, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { runMigrations } from '@parallax/db';
import { openDatabase } from './database/open-database';
import { registerInputGuard } from './common/input-guard';
import { PostgresIoAdapter } from './live/postgres-io.adapter';
import { LocalAgentService } from './synthetic/local-agent.service';
import { randomBytes } from 'node:crypto';
import { resolveAdminToken, resolveStoredSecret } from './admin-token';
import { AppConfig } from './config/config';
import { MetricsService } from './metrics/metrics.service';
import { ServerModule } from './server.module';
import { describeDatabaseUrl } from './start-banner';

/** A started server and how to stop it. */
export interface RunningServer {
  app: NestFastifyApplication;
  url: string;
  adminToken: string;
  adminTokenGenerated: boolean;
  databaseUrl: string;
  /** Which PostgreSQL, for the start banner: never with credentials. */
  database: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Starts PostgreSQL (embedded unless DATABASE_URL is set), migrates, and serves the API. */
export async function startServer(config: AppConfig, logger: LoggerService = new Logger('Parallax')): Promise<RunningServer> {
  const log = (message: string) => logger.log(message, 'Bootstrap');
  const database = await openDatabase(config, log);
  const { dataSource, url: databaseUrl } = database;
  if (config.runMigrations) {
    try {
      const applied = await runMigrations(dataSource);
      if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
    } catch (error) {
      await database.close();
      throw error;
    }
  }

  const { token: adminToken, generated } = resolveAdminToken(config.adminToken, config.dataDir);
  const secretKey = resolveStoredSecret(config.secretKey, config.dataDir, 'secret-key', () => randomBytes(32).toString('base64url'), 32).value;
  const app = await NestFactory.create<NestFastifyApplication>(
    ServerModule.forRuntime({ config, dataSource, adminToken, secretKey }),
    new FastifyAdapter({ logger: false, trustProxy: false, bodyLimit: 2 * 1024 * 1024 }),
    { logger, bufferLogs: false },
  );
  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  registerInputGuard(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  const openApi = new DocumentBuilder()
    .setTitle('Parallax API')
    .setDescription('Real-user and synthetic monitoring, correlated. Management endpoints need `Authorization: Bearer <admin token>`.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'api/docs/openapi.json' });

  const ioAdapter = new PostgresIoAdapter(app, databaseUrl);
  app.useWebSocketAdapter(ioAdapter);
  app.enableShutdownHooks([]);
  await app.listen({ port: config.port, host: config.host });
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicUrl ?? `http://localhost:${port}`;
  // The local agent's browser reaches the collector over loopback whatever the public URL is.
  await app.get(LocalAgentService).start(`http://127.0.0.1:${port}`);

  let closed = false;
  return {
    app,
    url,
    adminToken,
    adminTokenGenerated: generated,
    databaseUrl,
    database: database.embedded
      ? `embedded PostgreSQL on 127.0.0.1:${database.embedded.port}, data in ${database.embedded.clusterDir}`
      : `external ${describeDatabaseUrl(databaseUrl)}`,
    dataSource,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      // After a PostgreSQL restart the adapter may still hold its LISTEN client: do not let that block shutdown
      // (bounded, but long enough for a busy machine, where stopping PostgreSQL under it logs a lost live feed).
      await Promise.race([ioAdapter.livePool.end().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000).unref())]);
      await database.close();
    },
  };
}
