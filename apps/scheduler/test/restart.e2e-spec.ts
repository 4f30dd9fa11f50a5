import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, processGone } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

const LONG = 'LongRunningExample';

describe('restarts and crashes', () => {
  let server: TestServer;
  let api: JobserverClient;

  const liveContexts = (name: string) =>
    server.query<{ id: string; pid: number; state: string }>(
      `SELECT id, pid, state FROM contexts WHERE name = $1 AND state IN ('STARTED', 'RUNNING', 'RESTARTING', 'STOPPING')`,
      [name],
    );

  const start = async (context: string | undefined, durationMs: number) => {
    const res = await api.submit(
      { appName: 'demo', classPath: LONG, ...(context ? { context } : {}) },
      { durationMs },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as { jobId: string; context: string };
  };

  const restartGatewayAndScheduler = async () => {
    await server.kill('gateway');
    await server.kill('scheduler');
    await server.start('scheduler');
    await server.start('gateway');
  };

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_HEARTBEAT_TIMEOUT: '3s' });
    api = new JobserverClient(server.url);
    await api.upload('demo');
  });
  afterAll(async () => server?.stop());

  it('serves results and adopts a named context after gateway and scheduler are killed and restarted', async () => {
    expect((await api.post('/contexts/durable')).status).toBe(200);
    const [before] = await liveContexts('durable');
    const done = await api.submit(
      { appName: 'demo', classPath: 'WordCountExample', context: 'durable', sync: true },
      'input.string = x y x',
    );
    expect(done.body).toMatchObject({ status: 'OK', result: { x: 2, y: 1 } });

    await restartGatewayAndScheduler();

    const report = (await api.get(`/jobs/${done.body.jobId}`)).body;
    expect(report).toMatchObject({ status: 'OK', result: { x: 2, y: 1 }, context: 'durable' });
    expect((await api.get(`/jobs/${done.body.jobId}/config`)).body).toEqual({
      input: { string: 'x y x' },
    });
    expect((await api.contextNames()).filter((n) => n === 'durable')).toHaveLength(1);
    const run = await api.submit({
      appName: 'demo',
      classPath: 'SettingsExample',
      context: 'durable',
      sync: true,
    });
    expect(run.body).toMatchObject({ status: 'OK', result: { context: 'durable' } });
    const after = await liveContexts('durable');
    expect(after).toEqual([{ id: before.id, pid: before.pid, state: 'RUNNING' }]);
    expect(processGone(before.pid)).toBe(false);
  });

  it('still stops an adopted context with DELETE, its worker exiting', async () => {
    const [context] = await liveContexts('durable');
    expect((await api.delete('/contexts/durable')).body).toEqual({
      status: 'SUCCESS',
      result: 'Context stopped',
    });
    expect(await api.contextNames()).not.toContain('durable');
    await eventually(async () => (processGone(context.pid) ? true : undefined), 5_000);
  });

  it('fails the job of a context whose worker is killed -9, frees the name, and keeps the others', async () => {
    expect((await api.post('/contexts/victim')).status).toBe(200);
    expect((await api.post('/contexts/bystander')).status).toBe(200);
    const job = await start('victim', 60_000);
    await api.waitForJob(job.jobId, ['RUNNING']);
    const [context] = await liveContexts('victim');

    const killedAt = Date.now();
    process.kill(context.pid, 'SIGKILL');
    const report = await api.waitForJob(job.jobId, ['OK', 'ERROR', 'KILLED'], 10_000);
    console.info(
      `worker kill -9 → job ERROR in ${Date.now() - killedAt} ms (launched by this scheduler)`,
    );
    expect(report.status).toBe('ERROR');
    expect(report.result.message).toMatch(/context terminated unexpectedly/);

    await eventually(
      async () => ((await api.contextNames()).includes('victim') ? undefined : true),
      10_000,
    );
    const [row] = await server.query<{ state: string }>(
      'SELECT state FROM contexts WHERE id = $1',
      [context.id],
    );
    expect(row.state).toBe('ERROR');
    expect((await api.post('/contexts/victim')).status).toBe(200);
    const again = await api.submit({
      appName: 'demo',
      classPath: 'SettingsExample',
      context: 'victim',
      sync: true,
    });
    expect(again.body.status).toBe('OK');
    const other = await api.submit({
      appName: 'demo',
      classPath: 'SettingsExample',
      context: 'bystander',
      sync: true,
    });
    expect(other.body.status).toBe('OK');
  });

  it('ends a job whose worker dies right after its async answer, before writing RUNNING, as a job that ran', async () => {
    expect((await api.post('/contexts/sudden')).status).toBe(200);
    const [context] = await liveContexts('sudden');
    const job = await start('sudden', 60_000);
    // Answered on its RUNNING event; the worker writes RUNNING to Postgres 50 ms after the start.
    process.kill(context.pid, 'SIGKILL');
    const report = await api.waitForJob(job.jobId, ['OK', 'ERROR', 'KILLED'], 10_000);
    expect(report.status).toBe('ERROR');
    // Its worker had claimed it: the events say it ran, as its answer and its stream did.
    const events = (await api.get(`/jobs/${job.jobId}/events`)).body as Array<{ seq: number; type: string }>;
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'queued'],
      [2, 'running'],
      [3, 'error'],
    ]);
  });

  it('fails the job of an adopted context whose worker is killed -9 (found by its missing heartbeat)', async () => {
    expect((await api.post('/contexts/orphan')).status).toBe(200);
    await restartGatewayAndScheduler();
    const job = await start('orphan', 60_000);
    await api.waitForJob(job.jobId, ['RUNNING']);
    const [context] = await liveContexts('orphan');

    const killedAt = Date.now();
    process.kill(context.pid, 'SIGKILL');
    const report = await api.waitForJob(job.jobId, ['OK', 'ERROR', 'KILLED'], 15_000);
    console.info(
      `worker kill -9 → job ERROR in ${Date.now() - killedAt} ms (adopted, heartbeat-timeout 3s)`,
    );
    expect(report.status).toBe('ERROR');
    expect(report.result.message).toMatch(/context terminated unexpectedly/);
    expect(await api.contextNames()).not.toContain('orphan');
    expect((await api.post('/contexts/orphan')).status).toBe(200);
  });

  it('cleans up an ad-hoc context whose job ended while the scheduler was down', async () => {
    const job = await start(undefined, 2_000);
    await api.waitForJob(job.jobId, ['RUNNING']);
    const [context] = await liveContexts(job.context);
    await server.kill('scheduler');
    expect((await api.waitForJob(job.jobId)).status).toBe('OK');
    await server.start('scheduler');
    await eventually(
      async () => ((await api.contextNames()).includes(job.context) ? undefined : true),
      15_000,
    );
    await eventually(async () => (processGone(context.pid) ? true : undefined), 5_000);
  });

  it('runs jobs of a named context submitted while the scheduler is down (no scheduler on their way)', async () => {
    expect((await api.post('/contexts/patient')).status).toBe(200);
    await server.kill('scheduler');
    const res = await api.submit({
      appName: 'demo',
      classPath: 'SettingsExample',
      context: 'patient',
    });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('STARTED');
    expect((await api.waitForJob(res.body.jobId)).status).toBe('OK');
    await server.start('scheduler');
  });
});
