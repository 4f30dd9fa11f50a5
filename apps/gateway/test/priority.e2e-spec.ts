import { RedisNames } from '@jobserver/protocol';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

/** `priority=<0…100>` on POST /jobs and POST /jobs/batch (issue 16). */
describe('job priorities', () => {
  let server: TestServer;
  let api: JobserverClient;

  beforeAll(async () => {
    // An async POST behind a busy slot answers QUEUED after accept-timeout: keep that short.
    server = await startTestServer({ JOBSERVER_ACCEPT_TIMEOUT: '50ms' });
    api = new JobserverClient(server.url);
    await api.upload('demo');
    expect((await api.post('/contexts/one-slot?max-jobs-per-context=1')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  /** Occupies the context's one slot until `release` (its job is cancelled then). */
  const occupy = async () => {
    const res = await api.submit({ appName: 'demo', classPath: 'LongRunningExample', context: 'one-slot' }, { durationMs: 60_000 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await api.waitForJob(res.body.jobId, ['RUNNING']);
    return async () => {
      expect((await api.delete(`/jobs/${res.body.jobId}`)).status).toBe(200);
      await api.waitForJob(res.body.jobId);
    };
  };

  /**
   * Waits until `n` jobs wait in the one-slot context's queue: an accepted job is routed there by
   * the scheduler a moment later, and one routed after the slot frees has nothing to overtake.
   */
  const queued = async (n: number) => {
    const redis = new Redis(server.redisUrl);
    const key = `${server.prefix}:${new RedisNames(server.prefix).contextQueue('one-slot')}:prioritized`;
    try {
      await eventually(async () => ((await redis.zcard(key)) >= n ? true : undefined));
    } finally {
      redis.disconnect();
    }
  };

  /** The jobs of `ids` in the order they ran (a one-slot context runs one after the other). */
  const runOrder = async (ids: string[]) => {
    for (const id of ids) expect((await api.waitForJob(id)).status).toBe('OK');
    const rows = await server.query<{ id: string }>('SELECT id FROM jobs WHERE id = ANY($1::uuid[]) ORDER BY start_time, end_time', [ids]);
    return rows.map((row) => ids.indexOf(row.id));
  };

  it('runs queued jobs highest priority first, equal priorities in submission order, and shows the priority', async () => {
    const release = await occupy();
    const priorities = [10, undefined, 90, 50, 90, 100, 0, 50];
    const ids: string[] = [];
    for (const priority of priorities) {
      const params = { appName: 'demo', classPath: 'WordCountExample', context: 'one-slot', ...(priority === undefined ? {} : { priority }) };
      const res = await api.submit(params, { input: { string: 'a b' } });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      ids.push(res.body.jobId);
    }
    await queued(priorities.length);
    await release();
    // 100, then the two 90s and the three 50s (the default among them) each in submission order, 10, 0.
    expect(await runOrder(ids)).toEqual([5, 2, 4, 1, 3, 7, 0, 6]);
    const reports = await Promise.all(ids.map(async (id) => (await api.get(`/jobs/${id}`)).body.priority));
    expect(reports).toEqual([10, 50, 90, 50, 90, 100, 0, 50]);
  });

  it('gives every job of a batch its priority, ahead of default jobs queued before it', async () => {
    const release = await occupy();
    const first = await api.submit({ appName: 'demo', classPath: 'WordCountExample', context: 'one-slot' }, { input: { string: 'a' } });
    const batch = await api.post('/jobs/batch?appName=demo&classPath=WordCountExample&context=one-slot&priority=70', [
      { input: { string: 'b' } },
      { input: { string: 'c' } },
    ]);
    expect(batch.status, JSON.stringify(batch.body)).toBe(202);
    const batchIds = batch.body.jobIds as string[];
    await queued(3);
    await release();
    expect(await runOrder([first.body.jobId, ...batchIds])).toEqual([1, 2, 0]);
    expect((await api.get(`/jobs/${batchIds[0]}`)).body.priority).toBe(70);
  });

  it('takes a priority for ad-hoc jobs and sync jobs too', async () => {
    const adHoc = await api.submit({ appName: 'demo', classPath: 'WordCountExample', priority: 99, sync: true }, { input: { string: 'a' } });
    expect(adHoc.status, JSON.stringify(adHoc.body)).toBe(200);
    expect((await api.get(`/jobs/${adHoc.body.jobId}`)).body.priority).toBe(99);
  });

  it.each(['-1', '101', '1.5', 'high', '', '1e2', '050x'])('refuses priority=%j with 400, recording nothing', async (priority) => {
    const before = await server.query<{ n: string }>('SELECT count(*) AS n FROM jobs');
    for (const path of ['/jobs', '/jobs/batch']) {
      const res = await api.post(`${path}?appName=demo&classPath=WordCountExample&context=one-slot&priority=${encodeURIComponent(priority)}`, path === '/jobs' ? {} : [{}]);
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body).toEqual({ status: 'ERROR', result: 'priority must be a whole number from 0 to 100' });
    }
    expect(await server.query('SELECT count(*) AS n FROM jobs')).toEqual(before);
  });
});
