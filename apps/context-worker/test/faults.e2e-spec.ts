import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, processGone } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

/** Fault injection: CPU hogs, heap exhaustion, crashing jobs, a scheduler killed mid-job. */
describe('a context survives its jobs', () => {
  let server: TestServer;
  let api: JobserverClient;

  const contextPid = async (name: string) =>
    (
      await server.query<{ pid: number }>(
        `SELECT pid FROM contexts WHERE name = $1 AND state IN ('RUNNING', 'RESTARTING', 'STOPPING')`,
        [name],
      )
    )[0]?.pid;

  beforeAll(async () => {
    // A BullMQ lock far shorter than the busy loop: a main thread that stopped renewing it would
    // see the job stalled and failed or re-run.
    // A kill-grace far beyond the test timeout: only a forced stop can end a job that ignores its signal.
    server = await startTestServer({
      JOBSERVER_JOB_LOCK_DURATION: '1s',
      JOBSERVER_HEARTBEAT_TIMEOUT: '3s',
      JOBSERVER_KILL_GRACE: '120s',
    });
    api = new JobserverClient(server.url);
    await api.upload('demo');
    for (const name of ['busy', 'calm', 'capped', 'crashy']) {
      const query = name === 'capped' ? '?mem-per-node=64m' : '';
      expect((await api.post(`/contexts/${name}${query}`)).status).toBe(200);
    }
  });
  afterAll(async () => server?.stop());

  it('runs a busy loop longer than the job lock once, while other jobs and contexts go on', async () => {
    const busy = await api.submit({ appName: 'demo', classPath: 'BusyLoopExample', context: 'busy' }, { ms: 5000 });
    expect(busy.status).toBe(202);
    const behind = await api.submit(
      { appName: 'demo', classPath: 'spark.jobserver.WordCountExample', context: 'busy' },
      'input.string = a a b',
    );
    expect(behind.status).toBe(202);

    const elsewhere = await api.submit(
      { appName: 'demo', classPath: 'spark.jobserver.WordCountExample', context: 'calm', sync: true },
      'input.string = x y x',
    );
    expect(elsewhere.body).toMatchObject({ status: 'OK', result: { x: 2, y: 1 } });
    const listed = await api.get('/jobs?status=running');
    expect(listed.status).toBe(200);
    expect(listed.body.map((j: { jobId: string }) => j.jobId)).toContain(busy.body.jobId);

    const done = await api.waitForJob(busy.body.jobId);
    expect(done).toMatchObject({ status: 'OK', result: { spins: true, runs: 1 } });
    expect(await api.waitForJob(behind.body.jobId)).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });
    expect((await api.get('/contexts/busy')).body.state).toBe('RUNNING');
  });

  it('ends a job that exhausts mem-per-node in ERROR naming the limit, and the context goes on', async () => {
    const pid = await contextPid('capped');
    const hog = await api.submit({ appName: 'demo', classPath: 'MemoryHogExample', context: 'capped', sync: true });
    expect(hog.status).toBe(200);
    expect(hog.body.status).toBe('ERROR');
    expect(hog.body.result.message).toContain('mem-per-node=64m');

    const next = await api.submit(
      { appName: 'demo', classPath: 'spark.jobserver.WordCountExample', context: 'capped', sync: true },
      'input.string = still here',
    );
    expect(next.body).toMatchObject({ status: 'OK', result: { still: 1, here: 1 } });
    expect(await contextPid('capped')).toBe(pid);
    expect((await api.get('/contexts/capped')).body.state).toBe('RUNNING');
  });

  it('fails the job of a context whose job kills its own process, and frees the name', async () => {
    const pid = await contextPid('crashy');
    const crash = await api.submit({ appName: 'demo', classPath: 'CrashExample', context: 'crashy' });
    expect([202, 200]).toContain(crash.status);
    const jobId = crash.body.jobId ?? crash.body.result.jobId;
    const ended = await api.waitForJob(jobId);
    expect(ended.status).toBe('ERROR');
    expect(ended.result.message).toContain('context terminated unexpectedly');
    expect(processGone(pid!)).toBe(true);
    await eventually(async () => ((await api.contextNames()).includes('crashy') ? undefined : true));
    expect((await api.post('/contexts/crashy')).status).toBe(200);
  });

  it('keeps a running job and its result when the scheduler is killed and restarted mid-job', async () => {
    const job = await api.submit({ appName: 'demo', classPath: 'LongRunningExample', context: 'calm' }, { durationMs: 2000 });
    expect(job.status).toBe(202);
    await server.kill('scheduler');
    const queuedMeanwhile = await api.submit(
      { appName: 'demo', classPath: 'spark.jobserver.WordCountExample', context: 'calm' },
      'input.string = later',
    );
    expect(queuedMeanwhile.status).toBe(202);
    // A named context's job goes straight to its queue: it starts without a scheduler.
    expect(queuedMeanwhile.body.status).toBe('STARTED');
    await server.start('scheduler');
    expect(await api.waitForJob(job.body.jobId)).toMatchObject({ status: 'OK', result: { slices: expect.any(Number) } });
    expect(await api.waitForJob(queuedMeanwhile.body.jobId)).toMatchObject({ status: 'OK', result: { later: 1 } });
    const [{ n }] = await server.query<{ n: string }>(
      `SELECT count(*) AS n FROM contexts WHERE name = 'calm' AND state = 'RUNNING'`,
    );
    expect(Number(n)).toBe(1);
  });

  it('gives num-cpu-cores to the context process as the size of its thread pool', async () => {
    expect((await api.post('/contexts/cores?num-cpu-cores=3')).status).toBe(200);
    const res = await api.submit({ appName: 'demo', classPath: 'SettingsExample', context: 'cores', sync: true });
    expect(res.body.result).toMatchObject({ threadPoolSize: '3', settings: { 'num-cpu-cores': 3 } });
  });

  it('gives a cooperative job its signal when its context stops, and ends it KILLED', async () => {
    expect((await api.post('/contexts/stopping')).status).toBe(200);
    const job = await api.submit({ appName: 'demo', classPath: 'LongRunningExample', context: 'stopping' }, { durationMs: 60_000 });
    expect((await api.delete('/contexts/stopping')).status).toBe(200);
    const ended = await api.waitForJob(job.body.jobId);
    expect(ended).toMatchObject({ status: 'KILLED', result: { errorClass: 'JobKilled', message: `Job ${job.body.jobId} killed` } });
  });

  it('ends a job that was recorded but never queued (its gateway died in between) in ERROR', async () => {
    const [{ sha }] = await server.query<{ sha: string }>(`SELECT sha256 AS sha FROM bundles LIMIT 1`);
    const id = '00000000-0000-4000-8000-000000000001';
    await server.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, status, config, created_at)
       VALUES ($1, 'demo', $2, 'LongRunningExample', 'calm', 'QUEUED', '{}', now() - interval '1 minute')`,
      [id, sha],
    );
    const ended = await api.waitForJob(id, ['ERROR'], 20_000);
    expect(ended.result).toMatchObject({ errorClass: 'JobLost' });
  });

  it('cuts off a job that ignores its signal at once when the context is stopped with force=true', async () => {
    expect((await api.post('/contexts/forced')).status).toBe(200);
    const pid = await contextPid('forced');
    const job = await api.submit(
      { appName: 'demo', classPath: 'LongRunningExample', context: 'forced' },
      { durationMs: 600_000, ignoreSignal: true },
    );
    expect(job.body.status).toBe('STARTED');
    const stopped = await api.delete('/contexts/forced?force=true');
    expect(stopped.body).toEqual({ status: 'SUCCESS', result: 'Context stopped' });
    expect(await api.waitForJob(job.body.jobId)).toMatchObject({ status: 'KILLED', result: { errorClass: 'JobKilled' } });
    await eventually(async () => (processGone(pid!) ? true : undefined));
  });

  it('reports a job RUNNING from the moment its async POST answered STARTED', async () => {
    const job = await api.submit({ appName: 'demo', classPath: 'LongRunningExample', context: 'calm' }, { durationMs: 1500 });
    expect(job.body.status).toBe('STARTED');
    const [report, list] = await Promise.all([api.get(`/jobs/${job.body.jobId}`), api.get('/jobs?limit=5')]);
    expect(report.body.status).toBe('RUNNING');
    expect(list.body.find((j: { jobId: string }) => j.jobId === job.body.jobId)?.status).toBe('RUNNING');
    expect((await api.get('/contexts/calm')).body.runningJobs).toBe(1);
    const ids = async (status: string) => (await api.get(`/jobs?status=${status}`)).body.map((j: { jobId: string }) => j.jobId);
    expect(await ids('running')).toContain(job.body.jobId);
    expect(await ids('queued')).not.toContain(job.body.jobId);
    expect(await api.waitForJob(job.body.jobId)).toMatchObject({ status: 'OK' });
  });
});
