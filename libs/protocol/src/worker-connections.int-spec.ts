import type Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../../test/support/processes';
import { testRedis } from '../../../test/support/services';
import { connectRedis, openWorkerConnections } from './redis-client';

describe('openWorkerConnections on Redis', () => {
  let redis: Redis;
  let url: string;
  let prefix: string;
  const opened: Redis[] = [];

  beforeAll(async () => {
    const service = await testRedis();
    url = service.url;
    prefix = service.prefix;
    redis = connectRedis(url, 'worker-connections-test');
  });
  afterAll(async () => {
    for (const client of opened) client.disconnect();
    redis?.disconnect();
    if (prefix) await deleteKeys(url, prefix);
  });

  it('opens both connections ahead; the first duplicate is the open one, named as asked, later ones are new', async () => {
    const connection = (await openWorkerConnections(redis, `${prefix}-jobs`))!;
    opened.push(connection);
    expect(connection.status).toBe('ready');
    const blocking = connection.duplicate({ connectionName: `${prefix}-blocking` });
    opened.push(blocking);
    expect(blocking.status).toBe('ready');
    expect(await blocking.client('GETNAME')).toBe(`${prefix}-blocking`);
    expect(blocking.options.connectionName).toBe(`${prefix}-blocking`);
    const later = connection.duplicate({ connectionName: `${prefix}-later` });
    opened.push(later);
    expect(later).not.toBe(blocking);
    expect(later.status).not.toBe('ready');
    expect(await later.client('GETNAME')).toBe(`${prefix}-later`);
  });

  it('gives up (and closes what it opened) when Redis does not answer in time', async () => {
    const nowhere = connectRedis('redis://127.0.0.1:1', 'worker-connections-nowhere');
    nowhere.on('error', () => undefined);
    try {
      expect(await openWorkerConnections(nowhere, 'nowhere', 300)).toBeUndefined();
    } finally {
      nowhere.disconnect();
    }
  });
});
