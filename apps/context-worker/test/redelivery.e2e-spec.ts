import { randomUUID } from 'node:crypto';
import { RedisNames } from '@jobserver/protocol';
import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

const WORD_COUNT = 'spark.jobserver.WordCountExample';

/**
 * A Redis failover can lose the reply of a worker's fetch (BullMQ moveToActive) while the fetch
 * itself reached the promoted replica: the message then sits active with no worker. Here a
 * stranger takes the message and never answers, like that lost reply.
 */
describe('a context queue message left active without a worker', () => {
  let server: TestServer;
  let api: JobserverClient;
  let redis: Redis;
  let stranger: Worker | undefined;

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_SPARE_WORKERS: '0' });
    api = new JobserverClient(server.url);
    redis = new Redis(server.redisUrl, { maxRetriesPerRequest: null });
    await api.upload('test');
    expect((await api.post('/contexts/one?max-jobs-per-context=1')).status).toBe(200);
  });
  afterAll(async () => {
    await stranger?.close(true);
    redis?.disconnect();
    await server?.stop();
  });

  it('is handed out again once its lock lapses, and its job runs once', async () => {
    // The context's one slot is busy, so the next job waits in its queue for the stranger to take.
    const busy = await api.submit(
      { appName: 'test', classPath: 'LongRunningExample', context: 'one' },
      { durationMs: 8000 },
    );
    expect(busy.status).toBe(202);
    await api.waitForJob(busy.body.jobId, ['RUNNING']);
    const waiting = await api.submit(
      { appName: 'test', classPath: WORD_COUNT, context: 'one' },
      'input.string = a b a',
    );
    expect(waiting.status).toBe(202);
    const queue = new RedisNames(server.prefix).contextQueue('one');
    stranger = new Worker(queue, null, {
      connection: redis,
      prefix: server.prefix,
      lockDuration: 1000,
      autorun: false,
    });
    const taken = await eventually(
      async () => (await stranger!.getNextJob(randomUUID(), { block: false })) ?? undefined,
      10_000,
    );
    expect(taken.id).toBe(waiting.body.jobId);

    const report = await api.waitForJob(waiting.body.jobId, undefined, 30_000);
    expect(report).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });
    const [row] = await server.query<{ status: string }>('SELECT status FROM jobs WHERE id = $1', [
      waiting.body.jobId,
    ]);
    expect(row!.status).toBe('FINISHED');
    expect((await api.waitForJob(busy.body.jobId)).status).toBe('OK');
  });
});
