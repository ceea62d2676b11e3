import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import { Pool } from 'pg';
import type { Server, ServerOptions } from 'socket.io';
import { jobFailureLevel } from '../database/database-errors';

/**
 * socket.io with events fanned out between server replicas through PostgreSQL (LISTEN/NOTIFY). The adapter keeps
 * one connection checked out for LISTEN, so it gets a small pool of its own whose clients all have an error
 * handler: when PostgreSQL restarts, the adapter reconnects instead of the error crashing the process.
 */
export class PostgresIoAdapter extends IoAdapter {
  private readonly liveLogger = new Logger('Live');
  readonly livePool: Pool;

  constructor(app: INestApplicationContext, databaseUrl: string) {
    super(app);
    this.livePool = new Pool({ connectionString: databaseUrl, max: 3, application_name: 'parallax-live' });
    this.livePool.on('error', (error) => this.liveLogger[jobFailureLevel(error)]({ msg: 'live feed connection lost; reconnecting', error: error.message }));
    this.livePool.on('connect', (client) => client.on('error', (error) => this.liveLogger[jobFailureLevel(error)]({ msg: 'live feed connection lost; reconnecting', error: error.message })));
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, cors: { origin: true } } as ServerOptions) as Server;
    server.adapter(
      createAdapter(this.livePool, {
        tableName: 'socket_io_attachments',
        heartbeatInterval: 5_000,
        errorHandler: (error: Error) => this.liveLogger.warn({ msg: 'live feed adapter error', error: error.message }),
      }),
    );
    return server;
  }
}
