import { Logger, type ArgumentsHost } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { DatabaseOutageMonitor } from '../database/database-outage';
import { AllExceptionsFilter } from './exception.filter';

function run(filter: AllExceptionsFilter, error: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: Record<string, unknown> } = { headers: {} };
  const reply = {
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    status(code: number) {
      sent.status = code;
      return reply;
    },
    send(body: Record<string, unknown>) {
      sent.body = body;
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ method: 'GET', routeOptions: { url: '/api/sites' } }) }),
  } as unknown as ArgumentsHost;
  filter.catch(error, host);
  return sent;
}

Logger.overrideLogger(false); // the 500 case logs its error id; not wanted in the test output

describe('AllExceptionsFilter', () => {
  const quiet = { warn: () => undefined, log: () => undefined, debug: () => undefined };
  const monitor = () => new DatabaseOutageMonitor(async () => undefined, quiet, { probeIntervalMs: 60_000, retryAfterSeconds: 5 });

  it('answers 503 + Retry-After for a database that is down, in all the shapes the driver reports it', () => {
    for (const error of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      { message: 'terminating connection', driverError: Object.assign(new Error('x'), { code: '57P01' }) },
      Object.assign(new Error('the database system is shutting down'), { code: '57P03' }),
      Object.assign(new Error('x'), { code: '08006' }),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      const m = monitor();
      const sent = run(new AllExceptionsFilter(m), error);
      expect(sent.status, String((error as Error).message)).toBe(503);
      expect(sent.headers['retry-after']).toBe('5');
      expect(sent.body).toMatchObject({ code: 'unavailable' });
      expect(m.down).toBe(true);
      m.stop();
    }
  });

  it('answers 400 for a value PostgreSQL refuses, 500 with an error id for anything else', () => {
    const m = monitor();
    expect(run(new AllExceptionsFilter(m), Object.assign(new Error('invalid byte sequence'), { code: '22021' }))).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    });
    const internal = run(new AllExceptionsFilter(m), new TypeError('x is undefined'));
    expect(internal).toMatchObject({ status: 500, body: { code: 'internal' } });
    expect(internal.body?.errorId).toBeTruthy();
    expect(m.down).toBe(false);
  });
});
