import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseOutageMonitor } from './database-outage';
import { Client } from 'pg';

/** A stalled server must not hold the probe: it gives up after this long. */
const PROBE_TIMEOUT_MS = 1_500;
/** How often the database is checked while it is up, so an outage is noticed (and logged) without traffic too. */
const HEARTBEAT_MS = 5_000;

/**
 * One connection of its own per probe, not one from the pool: a pool busy with long statements must not look
 * like a database that is down, and a probe must not wait behind them.
 */
async function probe(url: string): Promise<void> {
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    query_timeout: PROBE_TIMEOUT_MS,
    application_name: 'parallax-probe',
  });
  client.on('error', () => undefined); // a connection lost after the probe: nothing to do
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    // Not awaited: ending a connection to a stalled server waits for it.
    void client.end().catch(() => undefined);
  }
}
const PROBE_INTERVAL_MS = 500;
const RETRY_AFTER_SECONDS = 5;

/** Provides the DataSource the bootstrap initialised and migrated, and the outage monitor; closing the DataSource is the bootstrap's job. */
@Global()
@Module({})
export class DatabaseModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(DatabaseOutageMonitor) private readonly monitor: DatabaseOutageMonitor) {}

  static forDataSource(dataSource: DataSource): DynamicModule {
    const monitor = {
      provide: DatabaseOutageMonitor,
      useFactory: () => {
        const logger = new Logger('Database');
        return new DatabaseOutageMonitor(
          () => probe((dataSource.options as { url: string }).url),
          { warn: (e) => logger.warn(e), log: (e) => logger.log(e), debug: (e) => logger.debug(e) },
          { probeIntervalMs: PROBE_INTERVAL_MS, retryAfterSeconds: RETRY_AFTER_SECONDS },
        );
      },
    };
    return { module: DatabaseModule, providers: [{ provide: DataSource, useValue: dataSource }, monitor], exports: [DataSource, DatabaseOutageMonitor] };
  }

  onModuleInit(): void {
    this.monitor.watch(HEARTBEAT_MS);
  }

  onApplicationShutdown(): void {
    this.monitor.stop();
  }
}
