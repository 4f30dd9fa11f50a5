import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connectRedis } from '@jobserver/protocol/redis';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy';
import { outageOf } from './outage.classifier';

const REDIS_PORT = 6379;

describe("the gateway's Redis connection across an outage", () => {
  let proxy: TcpProxy;
  const prefix = `test-${randomUUID()}`;

  beforeAll(async () => {
    proxy = await startTcpProxy(REDIS_PORT);
  });
  afterAll(async () => proxy?.close());

  it('fails a Queue.add at once while down (a Redis outage), never sends it later, and works again once back', async () => {
    const redis = connectRedis(`redis://127.0.0.1:${proxy.port}`, 'outage-spec', { commandTimeoutMs: 5000, failWhileDisconnected: true });
    redis.on('error', () => undefined);
    const queue = new Queue('outage', { connection: redis, prefix });
    try {
      await once(redis, 'ready');
      await queue.add('before', {}, { jobId: 'before' });
      const closed = once(redis, 'close');
      await proxy.cut();
      await closed;
      const refused = await queue.add('during', {}, { jobId: 'during' }).then(
        () => new Error('expected a failure'),
        (error: unknown) => error,
      );
      expect(outageOf(refused, REDIS_PORT), String(refused)).toBe('Redis');
      await proxy.restore();
      await once(redis, 'ready');
      await queue.add('after', {}, { jobId: 'after' });
      const ids = (await queue.getJobs(['waiting'])).map((job) => job.id).sort();
      expect(ids).toEqual(['after', 'before']);
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      redis.disconnect();
    }
  });
});
