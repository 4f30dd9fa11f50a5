import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, type Json } from '../../../test/support/client';
import { startTestServer, type TestServer } from '../../../test/support/server';

/**
 * Test jobs that remember their runs in a file named by their config (`runs`): each run appends
 * a line before doing anything else, so the file says how many attempts ran, whatever killed them.
 * `failOn` is the number of runs that fail (1: only the first).
 */
const RETRY_BUNDLE = `
import { appendFileSync, readFileSync } from 'node:fs';
const run = (config) => { appendFileSync(config.runs, 'run\\n'); return readFileSync(config.runs, 'utf8').split('\\n').length - 1; };
export const ExitOnce = { runJob: (_ctx, config) => { const n = run(config); if (n <= (config.failOn ?? 1)) process.exit(1); return { runs: n }; } };
export const KillWorkerOnce = { runJob: async (ctx, config) => {
  const n = run(config);
  ctx.log.info('attempt ' + n);
  // Time for the line to be written before the worker dies.
  if (n <= 1) { await new Promise((resolve) => setTimeout(resolve, config.logMs ?? 0)); process.kill(process.pid, 'SIGKILL'); }
  return { runs: n };
} };
export const Throws = { runJob: (_ctx, config) => { run(config); throw new Error('plain failure'); } };
export const ThrowsRetryable = { runJob: (ctx, config) => {
  const n = run(config);
  ctx.log.info('attempt ' + n);
  if (n <= 1) throw Object.assign(new Error('service unavailable'), { name: 'Unavailable', retryable: true });
  return { runs: n };
} };
export const HogOnce = { runJob: (_ctx, config) => {
  const n = run(config);
  const hoard = [];
  if (n <= 1) for (;;) hoard.push(new Array(100000).fill({ n }));
  return { runs: n };
} };
export const Spins = { runJob: (_ctx, config) => { run(config); const until = Date.now() + 60000; while (Date.now() < until); } };
export const Sleeps = { runJob: async (ctx, config) => { run(config); await new Promise((resolve) => { const t = setTimeout(resolve, 60000); ctx.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }); }); } };
`;

/** `retries=<n>` on POST /jobs (issue 16 item 6). */
describe('job retries', () => {
  let server: TestServer;
  let api: JobserverClient;
  let dir: string;
  let runsFiles = 0;

  beforeAll(async () => {
    // A job that ignores its kill is stopped by replacing the executor after kill-grace: keep it short.
    server = await startTestServer({ JOBSERVER_KILL_GRACE: '1s' });
    api = new JobserverClient(server.url);
    dir = mkdtempSync(path.join(os.tmpdir(), 'jobserver-retries-'));
    const bundle = path.join(dir, 'retry-jobs.mjs');
    writeFileSync(bundle, RETRY_BUNDLE);
    await api.upload('retry', bundle);
    expect((await api.post('/contexts/retrying')).status).toBe(200);
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh file for a job to count its runs in, and how many lines it holds. */
  const runsFile = () => path.join(dir, `runs-${++runsFiles}.txt`);
  const runsIn = (file: string) => readFileSync(file, 'utf8').split('\n').length - 1;
  const events = async (jobId: string): Promise<Json[]> => (await api.get(`/jobs/${jobId}/events`)).body;
  const retryEvents = async (jobId: string) => (await events(jobId)).filter((e) => e.type === 'retry');

  it('runs a job again after its executor died under it (process.exit), sync answer OK, each attempt in its events', async () => {
    const runs = runsFile();
    const res = await api.submit({ appName: 'retry', classPath: 'ExitOnce', context: 'retrying', retries: 1, sync: true }, { runs });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'OK', result: { runs: 2 } });
    expect(runsIn(runs)).toBe(2);
    const all = await events(res.body.jobId);
    expect(all.map((e) => e.type)).toEqual(['queued', 'running', 'retry', 'finished']);
    expect(all[2]).toMatchObject({ attempt: 2, error: { errorClass: 'ExecutorExited', message: 'executor exited with code 1' } });
    expect((await api.get(`/jobs/${res.body.jobId}`)).body).toMatchObject({ status: 'OK', retries: 1, attempt: 2 });
  });

  it('runs a job again after it ran its executor out of memory (mem-per-node)', async () => {
    expect((await api.post('/contexts/capped?mem-per-node=64m')).status).toBe(200);
    const runs = runsFile();
    const res = await api.submit({ appName: 'retry', classPath: 'HogOnce', context: 'capped', retries: 1, sync: true }, { runs });
    expect(res.body).toMatchObject({ status: 'OK', result: { runs: 2 } });
    expect(await retryEvents(res.body.jobId)).toEqual([
      expect.objectContaining({ attempt: 2, error: expect.objectContaining({ errorClass: 'OutOfMemory', message: 'out of memory (mem-per-node=64m)' }) }),
    ]);
  });

  it('runs a job again whose executor was replaced to stop another job, and never the killed one', async () => {
    expect((await api.post('/contexts/shared?max-jobs-per-context=2')).status).toBe(200);
    const [spinRuns, sleepRuns] = [runsFile(), runsFile()];
    const sleeper = await api.submit({ appName: 'retry', classPath: 'Sleeps', context: 'shared', retries: 1 }, { runs: sleepRuns });
    await api.waitForJob(sleeper.body.jobId, ['RUNNING']);
    const spinner = await api.submit({ appName: 'retry', classPath: 'Spins', context: 'shared', retries: 2 }, { runs: spinRuns });
    await api.waitForJob(spinner.body.jobId, ['RUNNING']);
    await expect.poll(() => runsIn(spinRuns)).toBe(1);
    // The spinner ignores its kill: after kill-grace the executor is replaced, ending both jobs there.
    expect((await api.delete(`/jobs/${spinner.body.jobId}`)).status).toBe(200);
    expect(await api.waitForJob(spinner.body.jobId)).toMatchObject({ status: 'KILLED', attempt: 1 });
    expect(runsIn(spinRuns)).toBe(1);
    await expect.poll(async () => (await api.get(`/jobs/${sleeper.body.jobId}`)).body.attempt, { timeout: 15_000 }).toBe(2);
    expect(await retryEvents(sleeper.body.jobId)).toEqual([expect.objectContaining({ attempt: 2, error: expect.objectContaining({ errorClass: 'ExecutorRestarted' }) })]);
    // The retry is recorded before its attempt runs.
    await expect.poll(() => runsIn(sleepRuns)).toBe(2);
    expect((await api.delete(`/jobs/${sleeper.body.jobId}`)).status).toBe(200);
    expect(await api.waitForJob(sleeper.body.jobId)).toMatchObject({ status: 'KILLED', attempt: 2 });
  });

  it('ends ERROR once its retries are spent, every attempt in its events', async () => {
    const runs = runsFile();
    const res = await api.submit({ appName: 'retry', classPath: 'ExitOnce', context: 'retrying', retries: 2, sync: true }, { runs, failOn: 5 });
    expect(res.body).toMatchObject({ status: 'ERROR', result: { errorClass: 'ExecutorExited' } });
    expect(runsIn(runs)).toBe(3);
    expect((await retryEvents(res.body.jobId)).map((e) => e.attempt)).toEqual([2, 3]);
    expect((await api.get(`/jobs/${res.body.jobId}`)).body).toMatchObject({ status: 'ERROR', retries: 2, attempt: 3 });
  });

  it('never retries a job that threw a plain error', async () => {
    const runs = runsFile();
    const res = await api.submit({ appName: 'retry', classPath: 'Throws', context: 'retrying', retries: 3, sync: true }, { runs });
    expect(res.body).toMatchObject({ status: 'ERROR', result: { message: 'plain failure', errorClass: 'Error' } });
    expect(runsIn(runs)).toBe(1);
    expect(await retryEvents(res.body.jobId)).toEqual([]);
    expect((await api.get(`/jobs/${res.body.jobId}`)).body).toMatchObject({ retries: 3, attempt: 1 });
  });

  it('retries a job whose thrown error says retryable: true, its log lines numbered on', async () => {
    const runs = runsFile();
    const res = await api.submit({ appName: 'retry', classPath: 'ThrowsRetryable', context: 'retrying', retries: 2, sync: true }, { runs });
    expect(res.body).toMatchObject({ status: 'OK', result: { runs: 2 } });
    expect(await retryEvents(res.body.jobId)).toEqual([
      expect.objectContaining({ attempt: 2, error: expect.objectContaining({ errorClass: 'Unavailable', message: 'service unavailable', retryable: true }) }),
    ]);
    const all = await events(res.body.jobId);
    expect(all.map((e) => (e.type === 'log' ? `${e.line}: ${e.message}` : e.type))).toEqual(['queued', 'running', '0: attempt 1', 'retry', '1: attempt 2', 'finished']);
  });

  it('does not retry a retryable throw without retries (the default is 0)', async () => {
    const runs = runsFile();
    const res = await api.submit({ appName: 'retry', classPath: 'ThrowsRetryable', context: 'retrying', sync: true }, { runs });
    expect(res.body).toMatchObject({ status: 'ERROR', result: { errorClass: 'Unavailable', retryable: true } });
    expect(runsIn(runs)).toBe(1);
    expect((await api.get(`/jobs/${res.body.jobId}`)).body).toMatchObject({ retries: 0, attempt: 1 });
  });

  it('never retries a job the user killed', async () => {
    const runs = runsFile();
    const res = await api.submit({ appName: 'retry', classPath: 'Sleeps', context: 'retrying', retries: 2 }, { runs });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await api.waitForJob(res.body.jobId, ['RUNNING']);
    expect((await api.delete(`/jobs/${res.body.jobId}`)).status).toBe(200);
    expect(await api.waitForJob(res.body.jobId)).toMatchObject({ status: 'KILLED', attempt: 1 });
    expect(runsIn(runs)).toBe(1);
  });

  it('runs an ad-hoc job again on a fresh ad-hoc context after its worker was killed (SIGKILL), the sync request waiting', async () => {
    const runs = runsFile();
    const res = await api.submit({ appName: 'retry', classPath: 'KillWorkerOnce', retries: 1, sync: true, timeout: 90 }, { runs, logMs: 1000 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'OK', result: { runs: 2 } });
    const all = await events(res.body.jobId);
    expect(all.map((e) => (e.type === 'log' ? `${e.line}: ${e.message}` : e.type))).toEqual(['queued', 'running', '0: attempt 1', 'retry', '1: attempt 2', 'finished']);
    expect(all[3]).toMatchObject({ attempt: 2, error: { errorClass: 'ContextTerminated' } });
    const lives = async () =>
      (
        await server.query<{ state: string }>(
          `SELECT c.state FROM contexts c JOIN jobs j ON j.context_name = c.name WHERE j.id = $1 ORDER BY c.start_time`,
          [res.body.jobId],
        )
      ).map((c) => c.state);
    // The first life died (ERROR), the second ran the job and is stopped with it.
    await expect.poll(lives, { timeout: 15_000 }).toEqual(['ERROR', 'FINISHED']);
  });

  it('does not retry a job of a named context whose worker died: it ends ERROR, the context died', async () => {
    expect((await api.post('/contexts/doomed')).status).toBe(200);
    const runs = runsFile();
    const res = await api.submit({ appName: 'retry', classPath: 'KillWorkerOnce', context: 'doomed', retries: 2, sync: true }, { runs });
    expect(res.body).toMatchObject({ status: 'ERROR', result: { errorClass: 'ContextTerminated', message: 'context terminated unexpectedly' } });
    expect(runsIn(runs)).toBe(1);
    expect((await api.get(`/jobs/${res.body.jobId}`)).body).toMatchObject({ retries: 2, attempt: 1 });
  });

  it.each(['-1', '11', '1.5', 'x', '', '1e1'])('refuses retries=%j with 400, recording nothing', async (retries) => {
    const before = await server.query('SELECT count(*) AS n FROM jobs');
    for (const route of ['/jobs', '/jobs/batch']) {
      const res = await api.post(`${route}?appName=retry&classPath=Throws&context=retrying&retries=${encodeURIComponent(retries)}`, route === '/jobs' ? {} : [{}]);
      expect(res.status, `${route} ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body).toEqual({ status: 'ERROR', result: 'retries must be a whole number from 0 to 10' });
    }
    expect(await server.query('SELECT count(*) AS n FROM jobs')).toEqual(before);
  });

  it('gives every job of a batch its retries', async () => {
    const runs = [runsFile(), runsFile()];
    const batch = await api.post('/jobs/batch?appName=retry&classPath=ThrowsRetryable&context=retrying&retries=1', runs.map((file) => ({ runs: file })));
    expect(batch.status, JSON.stringify(batch.body)).toBe(202);
    for (const jobId of batch.body.jobIds as string[]) {
      expect(await api.waitForJob(jobId)).toMatchObject({ status: 'OK', retries: 1, attempt: 2 });
    }
  });
});
