import type Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../../test/support/processes';
import { testRedis } from '../../../test/support/services';
import { connectRedis } from './redis-client';
import { RedisNames } from './names';
import { ProcessRegistry } from './process-registry';

describe('ProcessRegistry on Redis', () => {
  let redis: Redis;
  let url: string;
  let names: RedisNames;

  beforeAll(async () => {
    const service = await testRedis();
    url = service.url;
    names = new RedisNames(service.prefix);
    redis = connectRedis(url, 'registry-test');
  });
  afterAll(async () => {
    redis?.disconnect();
    if (names) await deleteKeys(url, names.prefix);
  });

  it('registers the process and sends its own beat in the same call, every interval, until stopped', async () => {
    let beats = 0;
    const identity = { role: 'context-worker', instance: 'w', version: '1' } as const;
    const registry = new ProcessRegistry(redis, names, identity, 50, 1000, () => ['ctx'], (commands) => {
      beats++;
      commands.set(`${names.prefix}:beat`, String(beats), 'PX', 1000);
    });
    registry.start();
    await new Promise((resolve) => setTimeout(resolve, 180));
    const listed = await ProcessRegistry.list(redis, names, 1000);
    expect(listed).toEqual([expect.objectContaining({ role: 'context-worker', instance: 'w', contexts: ['ctx'] })]);
    expect(beats).toBeGreaterThanOrEqual(3);
    expect(Number(await redis.get(`${names.prefix}:beat`))).toBeGreaterThanOrEqual(3);
    await registry.stop();
    const after = beats;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(beats).toBe(after);
    expect(await ProcessRegistry.list(redis, names, 1000)).toEqual([]);
  });
});
