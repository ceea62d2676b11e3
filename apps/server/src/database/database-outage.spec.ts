import { describe, expect, it } from 'vitest';
import { DatabaseOutageMonitor } from './database-outage';

function setup(probe: () => Promise<void>) {
  const lines: { level: string; entry: Record<string, unknown> }[] = [];
  const monitor = new DatabaseOutageMonitor(
    probe,
    {
      warn: (entry) => lines.push({ level: 'warn', entry }),
      log: (entry) => lines.push({ level: 'info', entry }),
      debug: (entry) => lines.push({ level: 'debug', entry }),
    },
    { probeIntervalMs: 5, retryAfterSeconds: 5 },
  );
  return { monitor, lines, loud: () => lines.filter((l) => l.level !== 'debug') };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('DatabaseOutageMonitor', () => {
  it('logs an outage once when it starts and once when it ends, with the count of refused requests', async () => {
    let up = false;
    const { monitor, lines, loud } = setup(async () => {
      if (!up) throw refused();
    });
    for (let i = 0; i < 100; i++) expect(monitor.failed(refused(), 'GET /api/sites')).toBe(true);
    for (let i = 0; i < 50; i++) monitor.rejected('collector');
    expect(monitor.down).toBe(true);
    expect(loud()).toHaveLength(1);
    expect(loud()[0]).toMatchObject({ level: 'warn', entry: { msg: expect.stringContaining('database unavailable') } });
    up = true;
    await until(() => !monitor.down);
    expect(monitor.down).toBe(false);
    expect(loud()).toHaveLength(2);
    expect(loud()[1].entry).toMatchObject({ msg: 'database available again', rejectedRequests: 150 });
    expect(lines.filter((l) => l.level === 'debug')).toHaveLength(150);
    monitor.stop();
  });

  it('ignores errors that are not about availability', () => {
    const { monitor, lines } = setup(async () => undefined);
    expect(monitor.failed(Object.assign(new Error('bad'), { code: '22021' }), 'x')).toBe(false);
    expect(monitor.down).toBe(false);
    expect(lines).toHaveLength(0);
  });

  it('starts an outage after a missed deadline only when the probe fails too', async () => {
    let stalled = false;
    const { monitor, loud } = setup(() => (stalled ? Promise.reject(new Error('Query read timeout')) : Promise.resolve()));
    monitor.suspect('collector');
    await new Promise((r) => setTimeout(r, 20));
    expect(monitor.down).toBe(false);
    expect(loud()).toHaveLength(0);
    stalled = true;
    monitor.suspect('collector');
    await until(() => monitor.down);
    expect(monitor.down).toBe(true);
    expect(loud()).toHaveLength(1);
    monitor.stop();
  });
});
