import { describe, expect, it } from 'vitest';
import { JsonLogger, scrubLogText } from './json-logger';

describe('JsonLogger', () => {
  it('writes one JSON object per line with level and context', () => {
    const lines: string[] = [];
    new JsonLogger('info', (l) => lines.push(l)).log('started', 'Bootstrap');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', msg: 'started', context: 'Bootstrap' });
  });
  it("puts Nest's route and module listing at debug", () => {
    const lines: string[] = [];
    const logger = new JsonLogger('info', (l) => lines.push(l));
    logger.log('Mapped {/api/sites, GET} route', 'RouterExplorer');
    logger.log('SitesController {/api/sites}:', 'RoutesResolver');
    logger.log('ServerModule dependencies initialized', 'InstanceLoader');
    logger.log('Nest application successfully started', 'NestApplication');
    expect(lines).toEqual([]);
    logger.log('Applied migrations: x', 'Bootstrap');
    expect(lines).toHaveLength(1);
  });
  it('drops lines below the level', () => {
    const lines: string[] = [];
    new JsonLogger('warn', (l) => lines.push(l)).log('quiet');
    expect(lines).toHaveLength(0);
  });
  it('never writes IP addresses or bearer tokens', () => {
    expect(scrubLogText('from 203.0.113.7 and 2001:db8:0:0:0:0:0:1 with Authorization: Bearer abc.def-123')).toBe(
      'from [ip] and [ip] with Authorization: Bearer [redacted]',
    );
    const lines: string[] = [];
    new JsonLogger('info', (l) => lines.push(l)).error({
      msg: 'x',
      client: '198.51.100.2',
      v6: '2001:db8::1234',
      link: 'fe80::1%eth0',
      peer: '[2001:db8::1234]:443',
      mapped: '::ffff:1.2.3.4',
    });
    expect(lines[0]).not.toMatch(/198\.51|2001:db8|fe80|ffff/);
  });
});
