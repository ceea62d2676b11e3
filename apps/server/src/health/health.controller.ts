import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';

const DB_CHECK_TIMEOUT_MS = 2_000;

/** Liveness and database readiness for load balancers and orchestrators. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness and database readiness (503 when the database does not answer)' })
  @ApiOkResponse({ schema: { example: { status: 'ok', database: 'up', uptimeSeconds: 12 } } })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const database = await this.pingDatabase();
    if (database !== 'up') reply.status(503);
    return { status: database === 'up' ? 'ok' : 'degraded', database, uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  private async pingDatabase(): Promise<'up' | 'down'> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), DB_CHECK_TIMEOUT_MS);
        }),
      ]);
      return 'up';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }
}
