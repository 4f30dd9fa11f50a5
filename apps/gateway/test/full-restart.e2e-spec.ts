import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, processGone } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

const WORD_COUNT = 'spark.jobserver.WordCountExample';

describe('a restart of every process', () => {
  let server: TestServer;
  let api: JobserverClient;

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_HEARTBEAT_TIMEOUT: '2s' });
    api = new JobserverClient(server.url);
    await api.upload('test');
  });
  afterAll(async () => server?.stop());

  it('keeps job records, configs and results readable after gateway, scheduler and workers are all killed', async () => {
    expect((await api.post('/contexts/keep')).status).toBe(200);
    const sync = await api.submit({ appName: 'test', classPath: WORD_COUNT, context: 'keep', sync: true }, 'input.string = a b a');
    expect(sync.body.status).toBe('OK');
    const adHoc = await api.submit({ appName: 'test', classPath: WORD_COUNT }, 'input.string = x y');
    const adHocDone = await api.waitForJob(adHoc.body.jobId);
    const failed = await api.submit({ appName: 'test', classPath: 'FailingExample', context: 'keep', sync: true }, { errorClass: 'TypeError' });
    expect(failed.body.status).toBe('ERROR');

    const [{ pid }] = await server.query<{ pid: number }>(`SELECT pid FROM contexts WHERE name = 'keep' AND state = 'RUNNING'`);
    await server.kill('gateway');
    await server.kill('scheduler');
    process.kill(pid, 'SIGKILL');
    await eventually(async () => (processGone(pid) ? true : undefined));
    await server.start('scheduler');
    await server.start('gateway');

    const again = await api.get(`/jobs/${sync.body.jobId}`);
    expect(again.body).toMatchObject({ status: 'OK', result: { a: 2, b: 1 }, context: 'keep', appName: 'test' });
    expect((await api.get(`/jobs/${sync.body.jobId}/config`)).body).toEqual({ input: { string: 'a b a' } });
    expect((await api.get(`/jobs/${adHoc.body.jobId}`)).body).toEqual(adHocDone);
    expect((await api.get(`/jobs/${failed.body.jobId}`)).body.result).toMatchObject({ errorClass: 'TypeError' });
    const listed = (await api.get('/jobs?limit=10')).body.map((j: { jobId: string }) => j.jobId);
    expect(listed).toEqual(expect.arrayContaining([sync.body.jobId, adHoc.body.jobId, failed.body.jobId]));

    // The dead worker's context is declared dead from its missing heartbeat; the name is free again.
    await eventually(async () => ((await api.contextNames()).includes('keep') ? undefined : true));
    expect((await api.post('/contexts/keep')).status).toBe(200);
    const fresh = await api.submit({ appName: 'test', classPath: WORD_COUNT, context: 'keep', sync: true }, 'input.string = again');
    expect(fresh.body).toMatchObject({ status: 'OK', result: { again: 1 } });
  });
});
