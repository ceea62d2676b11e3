import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { Pool } from 'pg';
import type { Server, ServerOptions } from 'socket.io';

/** socket.io with events fanned out between server replicas through PostgreSQL (LISTEN/NOTIFY). */
export class PostgresIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly pool: Pool,
  ) {
    super(app);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, cors: { origin: true } } as ServerOptions) as Server;
    server.adapter(createAdapter(this.pool, { tableName: 'socket_io_attachments', heartbeatInterval: 5_000 }));
    return server;
  }
}
