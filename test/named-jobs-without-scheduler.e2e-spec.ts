import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from './support/client';
import { startTestCluster, type TestCluster } from './support/cluster';

/**
 * A job of a named context goes from the gateway straight to the context's queue: warm traffic
 * goes on while no scheduler is up (one BullMQ hop, not two). Ad-hoc jobs need a scheduler to
 * create their context, and wait for one.
 */
describe('jobs of a live named context while no scheduler runs', () => {
  let cluster: TestCluster;
  let api: JobserverClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ gateways: 1, schedulers: 1, workers: 1 });
    api = new JobserverClient(cluster.gateways[0]!.url);
    await api.upload('demo');
    expect((await api.post('/contexts/warm')).status).toBe(200);
    await cluster.kill(cluster.schedulers[0]!);
  });
  afterAll(async () => cluster?.stop());

  it('runs sync and async jobs of the named context', async () => {
    const sync = await api.submit({ appName: 'demo', classPath: 'WordCountExample', context: 'warm', sync: true, timeout: 10 }, 'input.string = "a b a"');
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    expect(sync.body).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });

    const async = await api.submit({ appName: 'demo', classPath: 'WordCountExample', context: 'warm' }, 'input.string = "c"');
    expect(async.status, JSON.stringify(async.body)).toBe(202);
    expect(await api.waitForJob(async.body.jobId, undefined, 10_000)).toMatchObject({ status: 'OK', result: { c: 1 } });
  });

  it('keeps an ad-hoc job QUEUED until a scheduler is back, then runs it', async () => {
    const adHoc = await api.submit({ appName: 'demo', classPath: 'WordCountExample' }, 'input.string = "d"');
    expect(adHoc.status, JSON.stringify(adHoc.body)).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await api.get(`/jobs/${adHoc.body.jobId}`)).body.status).toBe('QUEUED');

    await cluster.startScheduler();
    await cluster.startWorker();
    expect(await api.waitForJob(adHoc.body.jobId, undefined, 20_000)).toMatchObject({ status: 'OK', result: { d: 1 } });
  });
});
