import { describe, expect, it } from 'vitest';
import { GroupCommitWriter, WriterDeadlineError, WriterOverloadedError } from './group-commit-writer';

const options = { maxBatch: 10, maxDelayMs: 5, maxPending: 100, maxConcurrentFlushes: 2 };

describe('GroupCommitWriter', () => {
  it('groups concurrent writes into batches and resolves each after its flush', async () => {
    const flushed: number[][] = [];
    const writer = new GroupCommitWriter<number>(async (items) => {
      flushed.push(items);
    }, options);
    await Promise.all(Array.from({ length: 25 }, (_, i) => writer.write(i)));
    expect(flushed.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(flushed.length).toBeLessThanOrEqual(4);
    expect(Math.max(...flushed.map((b) => b.length))).toBeLessThanOrEqual(10);
  });

  it('does not resolve before the flush commits', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writer = new GroupCommitWriter<number>(() => gate, options);
    let acknowledged = false;
    const p = writer.write(1).then(() => (acknowledged = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(acknowledged).toBe(false);
    release();
    await p;
    expect(acknowledged).toBe(true);
  });

  it('rejects every item of a failed flush, and recovers on the next one', async () => {
    let fail = true;
    const writer = new GroupCommitWriter<number>(async () => {
      if (fail) throw new Error('database down');
    }, options);
    const results = await Promise.allSettled([writer.write(1), writer.write(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(writer.write(3)).resolves.toBeUndefined();
    expect(writer.pending).toBe(0);
  });

  it('commits the rest of a batch that the database refused for one item, and fails only that one', async () => {
    const committed: number[] = [];
    let flushes = 0;
    const refused = Object.assign(new Error('invalid input'), { code: '22P02' });
    const writer = new GroupCommitWriter<number>(
      async (items) => {
        flushes++;
        if (items.includes(13)) throw refused;
        committed.push(...items);
      },
      { ...options, isItemError: (e) => (e as { code?: string }).code === '22P02' },
    );
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => writer.write(10 + i)));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results[3]).toEqual({ status: 'rejected', reason: refused });
    expect(committed.sort((a, b) => a - b)).toEqual([10, 11, 12, 14, 15, 16, 17, 18, 19]);
    // Halving finds one bad item among 10 in a few flushes, not one per item.
    expect(flushes).toBeLessThanOrEqual(9);
    await writer.drain();
    expect(writer.pending).toBe(0);
  });

  it('does not split a batch when the database itself failed', async () => {
    let flushes = 0;
    const writer = new GroupCommitWriter<number>(
      async () => {
        flushes++;
        throw new Error('connection refused');
      },
      { ...options, isItemError: (e) => (e as { code?: string }).code === '22P02' },
    );
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => writer.write(i)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(flushes).toBe(1);
  });

  it('refuses writes beyond maxPending instead of growing without bound', async () => {
    const writer = new GroupCommitWriter<number>(() => new Promise(() => undefined), { ...options, maxPending: 30 });
    const accepted = Array.from({ length: 30 }, (_, i) => writer.write(i));
    void accepted;
    await expect(writer.write(99)).rejects.toBeInstanceOf(WriterOverloadedError);
    expect(writer.pending).toBe(30);
  });

  it('limits flushes in flight', async () => {
    let running = 0;
    let peak = 0;
    const writer = new GroupCommitWriter<number>(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    }, options);
    await Promise.all(Array.from({ length: 95 }, (_, i) => writer.write(i)));
    expect(peak).toBe(2);
  });

  it('drains on close and refuses writes afterwards', async () => {
    const seen: number[] = [];
    const writer = new GroupCommitWriter<number>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(...items);
    }, options);
    const writes = [writer.write(1), writer.write(2)];
    await writer.close();
    await Promise.all(writes);
    expect(seen.sort()).toEqual([1, 2]);
    await expect(writer.write(3)).rejects.toBeInstanceOf(WriterOverloadedError);
  });

  it('fails writes at their deadline while the flush hangs, in flight and queued alike, and keeps counting them until it ends', async () => {
    let release: () => void = () => undefined;
    const hung = new Promise<void>((r) => (release = r));
    const writer = new GroupCommitWriter<number>(() => hung, { ...options, maxConcurrentFlushes: 1, deadlineMs: 60 });
    const startedMs = Date.now();
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, (_, i) => writer.write(i)));
    const tookMs = Date.now() - startedMs;
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof WriterDeadlineError)).toBe(true);
    expect(tookMs).toBeLessThan(1_000);
    // The first batch is still in flight (its slot and memory are held); the queued ones are gone.
    expect(writer.pending).toBe(options.maxBatch);
    release();
    await writer.drain();
    expect(writer.pending).toBe(0);
  });

  it('does not fail a write that commits within its deadline', async () => {
    const writer = new GroupCommitWriter<number>(async () => new Promise((r) => setTimeout(r, 5)), { ...options, deadlineMs: 2_000 });
    await expect(Promise.all(Array.from({ length: 30 }, (_, i) => writer.write(i)))).resolves.toHaveLength(30);
  });
});
