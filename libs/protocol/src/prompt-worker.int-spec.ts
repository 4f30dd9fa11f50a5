import { Queue, type Job, type RedisClient } from 'bullmq';
import type Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../../test/support/processes';
import { testRedis } from '../../../test/support/services';
import { PromptWorker } from './prompt-worker';
import { queueOptions } from './queue-options';
import { connectRedis, duplicateRedis } from './redis-client';

/** A PromptWorker that counts the fetches that reach Redis. */
class CountingWorker extends PromptWorker<{ i: number }> {
  redisFetches = 0;
  protected override async moveToActive(client: RedisClient, token: string, name?: string): Promise<Job<{ i: number }>> {
    const scripts = this.scripts as unknown as { moveToActive: (...args: unknown[]) => Promise<unknown> };
    const original = scripts.moveToActive;
    scripts.moveToActive = (...args: unknown[]) => {
      this.redisFetches++;
      return original.apply(scripts, args);
    };
    try {
      return await super.moveToActive(client, token, name);
    } finally {
      scripts.moveToActive = original;
    }
  }
}

describe('PromptWorker on Redis', () => {
  let redis: Redis;
  let url: string;
  let prefix: string;
  const closing: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    const service = await testRedis();
    url = service.url;
    prefix = service.prefix;
    redis = connectRedis(url, 'prompt-worker-test');
  });
  afterAll(async () => {
    for (const c of closing.reverse()) await c.close().catch(() => undefined);
    redis?.disconnect();
    if (prefix) await deleteKeys(url, prefix);
  });

  function start(queueName: string, concurrency: number, process: (job: Job<{ i: number }>) => Promise<unknown>, autorun = true) {
    const queue = new Queue<{ i: number }>(queueName, queueOptions(redis, prefix));
    const worker = new CountingWorker(queueName, process, { connection: duplicateRedis(redis, 'prompt-worker-test:w'), prefix, concurrency, autorun });
    closing.push(queue, worker);
    return { queue, worker };
  }

  it('runs a job that arrives at an idle worker after one fetch from Redis, not two', async () => {
    const fetchesAtStart: number[] = [];
    let done!: () => void;
    const ran = new Promise<void>((resolve) => (done = resolve));
    const { queue, worker } = start('lone', 8, async () => {
      fetchesAtStart.push(worker.redisFetches);
      if (fetchesAtStart.length === 3) done();
    });
    await worker.waitUntilReady();
    // Each job alone, after the worker has gone idle (blocking for the next one).
    for (let i = 0; i < 3; i++) {
      const before = worker.redisFetches;
      await new Promise((resolve) => setTimeout(resolve, 150));
      await queue.add('job', { i }, { removeOnComplete: true });
      await expect.poll(() => fetchesAtStart.length, { timeout: 3000, interval: 5 }).toBe(i + 1);
      expect(fetchesAtStart[i]! - before).toBe(1);
    }
    await ran;
  });

  it('never leaves a job waiting for a blocking fetch to time out (bursts, lone jobs, one slot or many)', async () => {
    for (const concurrency of [1, 4]) {
      const seen: number[] = [];
      const { queue } = start(`burst-${concurrency}`, concurrency, async (job) => {
        seen.push(job.data.i);
        await new Promise((resolve) => setTimeout(resolve, job.data.i % 3));
      });
      let next = 0;
      for (const size of [1, 5, 1, 20, 1, 1, 7]) {
        await queue.addBulk(Array.from({ length: size }, () => ({ name: 'job', data: { i: next++ }, opts: { removeOnComplete: true } })));
        // BullMQ blocks for up to drainDelay (5 s) when it misses a job: each wave is done long before.
        await expect.poll(() => seen.length, { timeout: 2000, interval: 5 }).toBe(next);
        await new Promise((resolve) => setTimeout(resolve, 20 + (next % 50)));
      }
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: next }, (_, i) => i));
    }
  });

  it('answers empty without Redis only for the non-blocking fetch after a job, never for one after a blocking wait', async () => {
    const { worker } = start('after-block', 4, async () => undefined, false);
    const client = await worker.client;
    const internals = worker as unknown as { fetchedJob: boolean; waiting: Promise<number> | null };
    const fetch = () => (worker as unknown as { moveToActive(c: unknown, t: string): Promise<unknown> }).moveToActive(client, 'token');
    internals.fetchedJob = true;
    internals.waiting = Promise.resolve(0); // as BullMQ's loop sets it around a blocking wait
    await fetch();
    expect(worker.redisFetches).toBe(1);
    internals.waiting = null;
    internals.fetchedJob = true;
    await fetch();
    expect(worker.redisFetches).toBe(1);
  });
});
