import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { PeriodicJob } from './periodic-job';

describe('PeriodicJob', () => {
  it('skips a pass while one runs, and runs again once it is done', async () => {
    let release!: () => void;
    const pass = vi.fn(() => new Promise<number>((resolve) => (release = () => resolve(7))));
    const job = new PeriodicJob(new Logger('test'), 'test job', pass);
    const first = job.run();
    expect(await job.run()).toBeUndefined();
    release();
    expect(await first).toBe(7);
    const third = job.run();
    release();
    expect(await third).toBe(7);
    expect(pass).toHaveBeenCalledTimes(2);
  });

  it('logs a failed pass as a warning with the error and lets the next pass run', async () => {
    const logger = new Logger('test');
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    let fail = true;
    const job = new PeriodicJob(logger, 'test job', async (n: number) => {
      if (fail) throw new Error('database away');
      return n * 2;
    });
    expect(await job.run(1)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith({ msg: 'test job failed; will retry', error: 'database away' });
    fail = false;
    expect(await job.run(2)).toBe(4);
  });
});
