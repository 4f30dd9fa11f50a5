import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import {
  EXAMPLE_BUNDLE,
  eventually,
  startTestServer,
  type TestServer,
} from '../../../test/support/server';

const LONG = 'LongRunningExample';

describe('cancelling jobs with DELETE /jobs/<id>', () => {
  let server: TestServer;
  let api: JobserverClient;

  const start = async (context: string | undefined, config: Record<string, unknown>) => {
    const res = await api.submit(
      { appName: 'demo', classPath: LONG, ...(context ? { context } : {}) },
      config,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as { status: string; jobId: string; context: string };
  };

  const expectKilled = async (jobId: string) => {
    const report = await api.waitForJob(jobId);
    expect(report.status).toBe('KILLED');
    expect(report.result).toMatchObject({
      message: `Job ${jobId} killed`,
      errorClass: 'JobKilled',
    });
    expect(Array.isArray(report.result.stack)).toBe(true);
    return report;
  };

  /** Polls the state of a live context until `stop()`; resolves with the states seen, repeats collapsed. */
  const watchStates = (name: string) => {
    const seen: string[] = [];
    let watching = true;
    const poll = async () => {
      const [row] = await server.query<{ state: string }>(
        `SELECT state FROM contexts WHERE name = $1 AND state IN ('STARTED', 'RUNNING', 'RESTARTING', 'STOPPING')`,
        [name],
      );
      if (row && seen[seen.length - 1] !== row.state) seen.push(row.state);
    };
    const done = (async () => {
      while (watching) {
        await poll();
        await new Promise((r) => setTimeout(r, 5));
      }
      // A read still in flight when stop() was called may predate the last change: read once more.
      await poll();
    })();
    return {
      stop: async () => {
        watching = false;
        await done;
        return seen;
      },
    };
  };

  const runningAgain = (name: string) =>
    eventually(async () =>
      (await api.get(`/contexts/${name}`)).body.state === 'RUNNING' ? true : undefined,
    );

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_KILL_GRACE: '1s', JOBSERVER_ACCEPT_TIMEOUT: '1s' });
    api = new JobserverClient(server.url);
    await api.upload('demo');
    for (const name of ['coop', 'stubborn', 'busy']) {
      const settings = name === 'busy' ? '?max-jobs-per-context=1' : '';
      expect((await api.post(`/contexts/${name}${settings}`)).status).toBe(200);
    }
  });
  afterAll(async () => server?.stop());

  it('kills a running job that honours its signal, and a second DELETE answers 404', async () => {
    const job = await start('coop', { durationMs: 60_000 });
    await api.waitForJob(job.jobId, ['RUNNING']);
    const deleted = await api.delete(`/jobs/${job.jobId}`);
    expect(deleted).toMatchObject({ status: 200, body: { status: 'KILLED' } });
    await expectKilled(job.jobId);
    const again = await api.delete(`/jobs/${job.jobId}`);
    expect(again).toMatchObject({
      status: 404,
      body: { status: 'ERROR', result: `No running job with ID ${job.jobId}` },
    });
    const listed = (await api.get('/jobs?status=killed')).body as Array<{ jobId: string }>;
    expect(listed.map((j) => j.jobId)).toContain(job.jobId);
  });

  it('keeps the context running jobs after a cooperative kill', async () => {
    const res = await api.submit({
      appName: 'demo',
      classPath: 'SettingsExample',
      context: 'coop',
      sync: true,
    });
    expect(res.body.status).toBe('OK');
    expect((await api.get('/contexts/coop')).body.state).toBe('RUNNING');
  });

  it('answers 404 to DELETE of an unknown or finished job', async () => {
    expect((await api.delete('/jobs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const done = await api.submit({
      appName: 'demo',
      classPath: 'SettingsExample',
      context: 'coop',
      sync: true,
    });
    const res = await api.delete(`/jobs/${done.body.jobId}`);
    expect(res).toMatchObject({
      status: 404,
      body: { result: `No running job with ID ${done.body.jobId}` },
    });
  });

  it('replaces the executor when a job ignores its signal past kill-grace; its neighbour ends ERROR', async () => {
    const neighbour = await start('stubborn', { durationMs: 60_000 });
    const stubborn = await start('stubborn', { durationMs: 60_000, ignoreSignal: true });
    await api.waitForJob(stubborn.jobId, ['RUNNING']);
    await api.waitForJob(neighbour.jobId, ['RUNNING']);
    const states = watchStates('stubborn');
    const deletedAt = Date.now();
    expect((await api.delete(`/jobs/${stubborn.jobId}`)).status).toBe(200);
    await expectKilled(stubborn.jobId);
    const killedAfterMs = Date.now() - deletedAt;
    const other = await api.waitForJob(neighbour.jobId);
    expect(other.status).toBe('ERROR');
    expect(other.result.message).toMatch(/executor replaced/);
    expect(other.result.message).toMatch(/kill-grace/);
    await runningAgain('stubborn');
    expect(await states.stop()).toEqual(['RUNNING', 'RESTARTING', 'RUNNING']);
    console.info(`signal-ignoring job: DELETE → KILLED in ${killedAfterMs} ms (kill-grace 1s)`);
  });

  it('keeps a context usable after its executor was replaced, with its named objects gone', async () => {
    const res = await api.submit({
      appName: 'demo',
      classPath: 'NamedObjectsExample',
      context: 'stubborn',
      sync: true,
    });
    expect(res.body).toMatchObject({
      status: 'OK',
      result: { createdBy: res.body.jobId, creations: 1 },
    });
    expect((await api.get('/contexts/stubborn')).body).toMatchObject({
      state: 'RUNNING',
      runningJobs: 0,
    });
  });

  it('replaces the executor once for two signal-ignoring jobs cancelled together', async () => {
    const config = { durationMs: 60_000, ignoreSignal: true };
    const jobs = [await start('stubborn', config), await start('stubborn', config)];
    await Promise.all(jobs.map((job) => api.waitForJob(job.jobId, ['RUNNING'])));
    const logStart = readFileSync(`${server.logDir}/scheduler.log`, 'utf8').length;
    await Promise.all(jobs.map((job) => api.delete(`/jobs/${job.jobId}`)));
    for (const job of jobs) await expectKilled(job.jobId);
    await runningAgain('stubborn');
    await new Promise((r) => setTimeout(r, 1_500)); // a second replacement would follow within kill-grace
    // The worker logs each replacement of its executor (a second one would kill the fresh executor).
    const lines = readFileSync(`${server.logDir}/scheduler.log`, 'utf8')
      .slice(logStart)
      .split('\n');
    expect(
      lines.filter(
        (l) => l.includes('"context":"stubborn"') && l.includes('replacing the executor'),
      ),
    ).toHaveLength(1);
  });

  it('kills a queued job at once, and it never runs', async () => {
    const blocker = await start('busy', { durationMs: 3_000 });
    expect(blocker.status).toBe('STARTED');
    // Had it run, the queued job would have left a named object "ghost" in the context.
    const queuedRes = await api.submit(
      { appName: 'demo', classPath: 'NamedObjectsExample', context: 'busy' },
      { name: 'ghost', createMs: 1 },
    );
    expect(queuedRes.body.status).toBe('QUEUED');
    const queued = queuedRes.body.jobId as string;
    expect(await api.delete(`/jobs/${queued}`)).toMatchObject({
      status: 200,
      body: { status: 'KILLED' },
    });
    await expectKilled(queued);
    // It never ran: its events are queued and killed, with no running between (docs/events.md).
    const events = (await api.get(`/jobs/${queued}/events`)).body as Array<{ seq: number; type: string }>;
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'queued'],
      [2, 'killed'],
    ]);
    expect((await api.waitForJob(blocker.jobId)).status).toBe('OK');
    const later = await api.submit(
      { appName: 'demo', classPath: 'NamedObjectsExample', context: 'busy', sync: true },
      { name: 'later', createMs: 1 },
    );
    expect(later.body).toMatchObject({ status: 'OK', result: { names: ['later'] } });
    expect((await api.get(`/jobs/${queued}`)).body.status).toBe('KILLED');
  });

  it('kills a job that is RUNNING but whose bundle is still loading in the context', async () => {
    for (const version of [1, 2]) {
      // A fresh, large bundle (new sha256): the worker takes a while to fetch and extract it.
      const padding = `\n// version ${version} ${'x'.repeat(30_000_000)}\n`;
      const bytes = Buffer.concat([readFileSync(EXAMPLE_BUNDLE), Buffer.from(padding)]);
      const app = `heavy${version}`;
      expect(
        (await fetch(`${server.url}/binaries/${app}`, { method: 'POST', body: bytes })).status,
      ).toBe(201);
      const posted = api.submit(
        { appName: app, classPath: LONG, context: 'coop' },
        { durationMs: 30_000 },
      );
      const [job] = await eventually(async () => {
        const rows = await server.query<{ id: string }>(
          "SELECT id FROM jobs WHERE app_name = $1 AND status = 'RUNNING'",
          [app],
        );
        return rows.length ? rows : undefined;
      });
      expect(await api.delete(`/jobs/${job.id}`)).toMatchObject({
        status: 200,
        body: { status: 'KILLED' },
      });
      await posted;
      const report = await api.waitForJob(job.id, undefined, 10_000);
      expect(report.status).toBe('KILLED');
      expect(report.result).toMatchObject({
        message: `Job ${job.id} killed`,
        errorClass: 'JobKilled',
      });
    }
  });

  it("cancels a job that runs longer than the context's job-timeout", async () => {
    expect((await api.post('/contexts/timed?job-timeout=1s')).status).toBe(200);
    const job = await start('timed', { durationMs: 60_000 });
    const report = await api.waitForJob(job.jobId, undefined, 10_000);
    expect(report.status).toBe('KILLED');
    expect(report.result.errorClass).toBe('JobKilled');
    expect(report.result.message).toMatch(new RegExp(`^Job ${job.jobId} killed.*job-timeout`));
    const quick = await api.submit({
      appName: 'demo',
      classPath: 'SettingsExample',
      context: 'timed',
      sync: true,
    });
    expect(quick.body.status).toBe('OK');
  });

  it('kills an ad-hoc job and then stops its context', async () => {
    const job = await start(undefined, { durationMs: 60_000 });
    await api.waitForJob(job.jobId, ['RUNNING']);
    expect(await api.contextNames()).toContain(job.context);
    const live = await api.get(`/contexts/${job.context}`);
    expect(live.body).toMatchObject({
      name: job.context,
      state: 'RUNNING',
      adHoc: true,
      runningJobs: 1,
    });
    expect((await api.delete(`/jobs/${job.jobId}`)).status).toBe(200);
    await expectKilled(job.jobId);
    await eventually(async () =>
      (await api.contextNames()).includes(job.context) ? undefined : true,
    );
  });
});
