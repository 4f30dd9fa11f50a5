import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../../test/support/processes';
import { testRedis } from '../../../test/support/services';
import { QUEUE_EVENTS_KEPT, queueOptions } from './queue-options';
import { connectRedis } from './redis-client';

describe('queueOptions on Redis', () => {
  let redis: Redis;
  let url: string;
  let prefix: string;

  beforeAll(async () => {
    const service = await testRedis();
    url = service.url;
    prefix = service.prefix;
    redis = connectRedis(url, 'queue-options-test');
  });
  afterAll(async () => {
    redis?.disconnect();
    if (prefix) await deleteKeys(url, prefix);
  });

  it("keeps a short tail of a queue's event stream, not BullMQ's 10,000 entries", async () => {
    const queue = new Queue('q', queueOptions(redis, prefix));
    await queue.waitUntilReady();
    await queue.addBulk(Array.from({ length: 3000 }, (_, i) => ({ name: 'job', data: { i }, opts: { removeOnComplete: true } })));
    expect(await redis.hget(`${prefix}:q:meta`, 'opts.maxLenEvents')).toBe(String(QUEUE_EVENTS_KEPT));
    // XADD MAXLEN ~ trims by whole stream nodes (100 entries each by default): a little over the cap.
    expect(await redis.xlen(`${prefix}:q:events`)).toBeLessThan(QUEUE_EVENTS_KEPT + 200);
    await queue.close();
  });
});
