import type { ServerConfig } from '@jobserver/config';
import { RedisNames } from '@jobserver/protocol';
import { connectRedis } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../../../test/support/processes';
import { testRedis } from '../../../../test/support/services';
import type { StatementRunService } from '../statements/statement-run.service';
import { ContextJobProcessor } from './context-job.processor';
import type { JobRunService } from './job-run.service';

/** The warm-up a spare runs while it waits: a consumer that never runs, built and closed. */
describe('ContextJobProcessor.warmUp on Redis', () => {
  let redis: Redis;
  let url: string;
  let prefix: string;

  beforeAll(async () => {
    ({ url, prefix } = await testRedis());
    redis = connectRedis(url, 'warm-up-test');
  });
  afterAll(async () => {
    redis?.disconnect();
    if (prefix) await deleteKeys(url, prefix);
  });

  const processor = (client: Redis, keyPrefix: string) =>
    new ContextJobProcessor({ prefix: keyPrefix } as ServerConfig, client, new RedisNames(keyPrefix), {} as JobRunService, {} as StatementRunService);

  it('writes no key and leaves no connection open', async () => {
    await processor(redis, prefix).warmUp();
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
    // Its connections are named worker-warm-up (BullMQ names the blocking one after the queue).
    const open = async () => ((await redis.client('LIST')) as string).split('\n').filter((line) => line.includes('worker-warm-up') || line.includes('spare-warm-up'));
    await expect.poll(open, { timeout: 3000, interval: 20 }).toEqual([]);
  });

  it('gives up within its timeout when Redis does not answer (the spare is ready all the same)', async () => {
    const nowhere = connectRedis('redis://127.0.0.1:1', 'warm-up-nowhere');
    nowhere.on('error', () => undefined);
    try {
      const started = Date.now();
      await processor(nowhere, prefix).warmUp();
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      nowhere.disconnect();
    }
  });
});
