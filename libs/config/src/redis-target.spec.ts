import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServerConfig, settingsAsEnv } from './load-config';

describe('the Redis a server reaches: redis-url, redis-sentinels, redis-cluster-nodes', () => {
  it('reaches one Redis by its URL when neither Sentinel nor Cluster is set', async () => {
    const config = await loadServerConfig({ REDIS_URL: 'redis://10.0.0.5:6380/2' });
    expect(config.redis).toEqual({ mode: 'standalone', url: 'redis://10.0.0.5:6380/2' });
  });

  it('reads Sentinel addresses and the master name, the URL still giving password and db', async () => {
    const config = await loadServerConfig({
      REDIS_URL: 'redis://:secret@ignored:1/3',
      JOBSERVER_REDIS_SENTINELS: 'sentinel-a:26379, 10.0.0.7:26380,[::1]:26381',
      JOBSERVER_REDIS_SENTINEL_NAME: 'mymaster',
    });
    expect(config.redis).toEqual({
      mode: 'sentinel',
      url: 'redis://:secret@ignored:1/3',
      name: 'mymaster',
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: '10.0.0.7', port: 26380 },
        { host: '::1', port: 26381 },
      ],
    });
  });

  it('reads Cluster nodes given as an array in a config file or a list in env', async () => {
    const nodes = [
      { host: 'r1', port: 7000 },
      { host: 'r2', port: 7001 },
    ];
    const config = await loadServerConfig({
      JOBSERVER_REDIS_CLUSTER_NODES: 'r1:7000,r2:7001',
      JOBSERVER_PREFIX: '{jobserver}',
    });
    expect(config.redis).toEqual({ mode: 'cluster', url: 'redis://127.0.0.1:6379', nodes });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'jobserver-redis-')), 'server.conf');
    writeFileSync(
      file,
      'jobserver { prefix = "{js}", redis-cluster-nodes = ["r1:7000", "r2:7001"] }',
    );
    const env = { JOBSERVER_CONFIG: file };
    expect((await loadServerConfig(env)).redis).toMatchObject({ mode: 'cluster', nodes });
    // …and reaches context workers as the list their env variable takes.
    expect(await settingsAsEnv(env)).toMatchObject({
      JOBSERVER_REDIS_CLUSTER_NODES: 'r1:7000,r2:7001',
    });
  });

  it('refuses to start on bad addresses, listing each', async () => {
    await expect(
      loadServerConfig({
        JOBSERVER_REDIS_SENTINELS: 'good:26379,nohost,:1,h:0,h:70000,h:12x',
        JOBSERVER_REDIS_SENTINEL_NAME: 'm',
      }),
    ).rejects.toThrow(
      'invalid server config: redis-sentinels holds addresses that are not host:port (port 1-65535): nohost, :1, h:0, h:70000, h:12x',
    );
  });

  it('refuses Sentinel addresses without a master name, and a name without addresses', async () => {
    await expect(loadServerConfig({ JOBSERVER_REDIS_SENTINELS: 'h:26379' })).rejects.toThrow(
      'redis-sentinels needs redis-sentinel-name (the master name the sentinels monitor, e.g. mymaster)',
    );
    await expect(loadServerConfig({ JOBSERVER_REDIS_SENTINEL_NAME: 'mymaster' })).rejects.toThrow(
      'redis-sentinel-name needs redis-sentinels',
    );
  });

  it('refuses Sentinel and Cluster together', async () => {
    await expect(
      loadServerConfig({
        JOBSERVER_REDIS_SENTINELS: 'h:26379',
        JOBSERVER_REDIS_SENTINEL_NAME: 'm',
        JOBSERVER_REDIS_CLUSTER_NODES: 'h:7000',
        JOBSERVER_PREFIX: '{j}',
      }),
    ).rejects.toThrow('redis-sentinels and redis-cluster-nodes exclude each other: set one');
  });

  it('refuses Cluster nodes without a hash-tagged prefix, or with a database other than 0', async () => {
    await expect(loadServerConfig({ JOBSERVER_REDIS_CLUSTER_NODES: 'h:7000' })).rejects.toThrow(
      'redis-cluster-nodes needs a hash-tagged prefix, e.g. prefix = {jobserver}: BullMQ keeps each queue in one cluster slot',
    );
    await expect(
      loadServerConfig({
        JOBSERVER_REDIS_CLUSTER_NODES: 'h:7000',
        JOBSERVER_PREFIX: '{j}',
        REDIS_URL: 'redis://h/4',
      }),
    ).rejects.toThrow(
      'redis-cluster-nodes: a Redis Cluster has only database 0 (redis-url names 4)',
    );
  });

  it('refuses a redis-url that is no redis:// or rediss:// URL', async () => {
    await expect(loadServerConfig({ REDIS_URL: 'http://h:6379' })).rejects.toThrow(
      'redis-url must be a redis:// or rediss:// URL',
    );
  });

  it('hands the Sentinel and Cluster settings to context workers', async () => {
    const env = { JOBSERVER_REDIS_SENTINELS: 'a:1,b:2', JOBSERVER_REDIS_SENTINEL_NAME: 'mymaster' };
    expect(await settingsAsEnv(env)).toMatchObject(env);
    expect((await loadServerConfig(await settingsAsEnv(env))).redis).toMatchObject({
      mode: 'sentinel',
      name: 'mymaster',
    });
  });
});
