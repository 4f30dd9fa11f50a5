import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '@jobserver/config';
import type { ContextRecord } from '@jobserver/persistence';
import { RedisNames } from '@jobserver/protocol';
import { connectRedis, EventBus } from '@jobserver/protocol/redis';
import { deleteKeys } from '../../../../test/support/processes';
import { testRedis } from '../../../../test/support/services';
import { PoolLauncher } from './pool.launcher';

// KEDA's redis scaler makes pool workers from the length of one Redis list
// (deploy/k8s/base/context-worker.yaml): the claims waiting for a worker must be exactly that list.
describe('PoolLauncher claims on Redis', () => {
  let redis: Redis;
  let url: string;
  let names: RedisNames;
  let launcher: PoolLauncher;

  beforeAll(async () => {
    const service = await testRedis();
    url = service.url;
    names = new RedisNames(`{${service.prefix}}`);
    redis = connectRedis(url, 'pool-launcher-test');
    const config = await loadServerConfig({ REDIS_URL: url, JOBSERVER_PREFIX: names.prefix });
    launcher = new PoolLauncher(config, redis, names, new EventBus(redis, names, () => undefined));
  });
  afterAll(async () => {
    await launcher?.onApplicationShutdown();
    redis?.disconnect();
    if (names) await deleteKeys(url, names.prefix);
  });

  it('queues a waiting claim in the list <prefix>:context-claims:wait, and a kill takes it out', async () => {
    const waiting = `${names.prefix}:${names.contextClaimQueue}:wait`;
    const contexts = [1, 2].map(
      () => ({ id: randomUUID(), name: `c-${randomUUID()}` }) as ContextRecord,
    );
    for (const context of contexts) await launcher.launch(context);
    expect(await redis.type(waiting)).toBe('list');
    expect((await redis.lrange(waiting, 0, -1)).sort()).toEqual(contexts.map((c) => c.id).sort());
    await launcher.kill(contexts[0]);
    expect(await redis.lrange(waiting, 0, -1)).toEqual([contexts[1].id]);
  });
});
