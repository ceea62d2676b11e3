import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DomainError } from '../common/domain-error';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** dist/dashboard, found from the working directory or from this file's folder upwards. */
function findDashboardDir(): string | undefined {
  for (const start of [process.cwd(), __dirname]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, 'dist', 'dashboard');
      if (existsSync(join(candidate, 'index.html'))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** Serves the dashboard, a static app built into dist/dashboard by `npm run build`. */
@ApiExcludeController()
@Controller()
export class DashboardController {
  private readonly dir = findDashboardDir();
  private readonly cache = new Map<string, Buffer>();

  @Get()
  index(@Res() reply: FastifyReply) {
    if (!this.dir) {
      void reply
        .header('content-type', 'text/html; charset=utf-8')
        .send('<!doctype html><title>Parallax</title><p>Parallax is running. The dashboard is not built: run <code>npm run build</code>. API docs: <a href="/api/docs">/api/docs</a></p>');
      return;
    }
    this.send(reply, 'index.html', 'no-cache');
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply) {
    if (!this.dir || !/^[A-Za-z0-9_.-]+\.(js|css|svg|map|html)$/.test(file)) throw new DomainError('not_found', `Cannot GET /${file}`);
    this.send(reply, file, 'public, max-age=300');
  }

  private send(reply: FastifyReply, file: string, cacheControl: string): void {
    let body = this.cache.get(file);
    if (!body) {
      const path = join(this.dir!, file);
      if (!existsSync(path)) throw new DomainError('not_found', `Cannot GET /${file}`);
      body = readFileSync(path);
      this.cache.set(file, body);
    }
    void reply.header('content-type', TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream').header('cache-control', cacheControl).send(body);
  }
}
