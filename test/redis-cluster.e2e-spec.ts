import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Redis from 'ioredis';
import { JobserverClient } from './support/client';
import { startRedisCluster, type RedisClusterSet } from './support/redis-cluster';
import { startTestServer, type TestServer } from './support/server';

const WORD_COUNT = 'spark.jobserver.WordCountExample';
const clusterAvailable =
  spawnSync('redis-server', ['--version']).status === 0 &&
  spawnSync('redis-cli', ['--version']).status === 0;

describe.skipIf(!clusterAvailable)('on a Redis Cluster of three masters', () => {
  let cluster: RedisClusterSet;
  let server: TestServer;
  let api: JobserverClient;
  const prefix = `{test-${randomBytes(6).toString('hex')}}`;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    server = await startTestServer({
      JOBSERVER_REDIS_CLUSTER_NODES: cluster.nodes,
      JOBSERVER_PREFIX: prefix,
      JOBSERVER_SPARE_WORKERS: '0',
    });
    api = new JobserverClient(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    await cluster?.stop();
  });

  it('runs the walk-through: upload, ad-hoc job, context, sync job, stop', async () => {
    await api.upload('test');
    const adHoc = await api.submit(
      { appName: 'test', classPath: WORD_COUNT },
      'input.string = a b c a b see',
    );
    expect(adHoc.status, JSON.stringify(adHoc.body)).toBe(202);
    expect((await api.waitForJob(adHoc.body.jobId)).result).toEqual({ a: 2, b: 2, c: 1, see: 1 });
    expect((await api.post('/contexts/test-context')).status).toBe(200);
    const sync = await api.submit(
      { appName: 'test', classPath: WORD_COUNT, context: 'test-context', sync: true },
      'input.string = a b c a b see',
    );
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    expect(sync.body).toMatchObject({ status: 'OK', result: { a: 2, b: 2, c: 1, see: 1 } });
    expect((await api.delete('/contexts/test-context')).status).toBe(200);
  });

  it('keeps every key of the server in the prefix hash tag slot, on one node', async () => {
    const client = new Redis.Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    try {
      const slot = (await client.cluster('KEYSLOT', prefix)) as number;
      const masters = client.nodes('master');
      expect(masters).toHaveLength(3);
      const counts = await Promise.all(masters.map((node) => node.dbsize()));
      const holders = masters.filter((_, i) => counts[i]! > 0);
      expect(holders).toHaveLength(1);
      // Only the node that owns a slot counts its keys. Both counts in one MULTI: the live server
      // adds and expires keys between two separate reads.
      const [[, size], [, inSlot]] = (await holders[0]!.multi().dbsize().cluster('COUNTKEYSINSLOT', slot).exec()) as [
        [Error | null, number],
        [Error | null, number],
      ];
      expect(inSlot).toBe(size);
    } finally {
      client.disconnect();
    }
  });
});
