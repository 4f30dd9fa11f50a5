import { Cluster } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRedis, duplicateRedis } from './redis-client';

/** Addresses nothing listens on: the clients are inspected, never used. */
const NOWHERE = [
  { host: '127.0.0.1', port: 1 },
  { host: '127.0.0.1', port: 2 },
];

describe('connectRedis builds the client of the configured target', () => {
  const opened: Array<{ disconnect(): void }> = [];
  const keep = <T extends { disconnect(): void }>(client: T) => (opened.push(client), client);
  afterEach(() => opened.splice(0).forEach((client) => client.disconnect()));

  it('follows a Sentinel master, with password and db from the URL, retrying the sentinels for ever', () => {
    const redis = keep(
      connectRedis(
        {
          mode: 'sentinel',
          url: 'redis://user:p%40ss@ignored/3',
          name: 'mymaster',
          sentinels: NOWHERE,
        },
        'role-a',
      ),
    );
    redis.on('error', () => undefined);
    expect(redis.options).toMatchObject({
      sentinels: NOWHERE,
      name: 'mymaster',
      role: 'master',
      username: 'user',
      password: 'p@ss',
      db: 3,
      connectionName: 'role-a',
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      failoverDetector: false,
    });
    expect(redis.options.sentinelRetryStrategy!(1)).toBe(200);
    expect(redis.options.sentinelRetryStrategy!(1000)).toBe(2000);
    expect(
      redis.options.reconnectOnError!(
        new Error("READONLY You can't write against a read only replica."),
      ),
    ).toBe(2);
    const sub = keep(duplicateRedis(redis, 'role-a-sub'));
    sub.on('error', () => undefined);
    expect(sub.options).toMatchObject({
      name: 'mymaster',
      sentinels: NOWHERE,
      connectionName: 'role-a-sub',
      password: 'p@ss',
    });
  });

  it('builds a Cluster client (no database) whose duplicates are Cluster clients too', () => {
    const redis = keep(
      connectRedis({ mode: 'cluster', url: 'rediss://:secret@ignored', nodes: NOWHERE }, 'role-b'),
    );
    redis.on('error', () => undefined);
    expect(redis).toBeInstanceOf(Cluster);
    const cluster = redis as unknown as Cluster;
    expect(cluster.options.redisOptions).toMatchObject({
      password: 'secret',
      connectionName: 'role-b',
      maxRetriesPerRequest: null,
      tls: {},
    });
    expect(cluster.options.redisOptions).not.toHaveProperty('db');
    expect(cluster.options).toMatchObject({ enableReadyCheck: true, scaleReads: 'master' });
    const worker = keep(duplicateRedis(redis, 'role-b-worker')) as unknown as Cluster;
    worker.on('error', () => undefined);
    expect(worker).toBeInstanceOf(Cluster);
    expect(worker.options.redisOptions).toMatchObject({
      password: 'secret',
      connectionName: 'role-b-worker',
    });
  });

  it('still takes a plain URL', () => {
    const redis = keep(
      connectRedis({ mode: 'standalone', url: 'redis://127.0.0.1:1/2' }, 'role-c'),
    );
    redis.on('error', () => undefined);
    expect(redis.options).toMatchObject({ port: 1, db: 2, connectionName: 'role-c' });
  });
});
