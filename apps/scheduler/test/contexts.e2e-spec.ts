import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, processGone } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

const LONG = 'LongRunningExample';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('named contexts', () => {
  let server: TestServer;
  let api: JobserverClient;

  const workerPid = async (name: string): Promise<number> => {
    const rows = await server.query<{ pid: number }>(
      `SELECT pid FROM contexts WHERE name = $1 AND state IN ('STARTED', 'RUNNING', 'RESTARTING', 'STOPPING')`,
      [name],
    );
    expect(rows).toHaveLength(1);
    return rows[0].pid;
  };

  const startLong = async (context: string, durationMs = 60_000) => {
    const res = await api.submit({ appName: 'demo', classPath: LONG, context }, { durationMs });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as { status: string; jobId: string };
  };

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_ACCEPT_TIMEOUT: '1s' });
    api = new JobserverClient(server.url);
    await api.upload('demo');
  });
  afterAll(async () => server?.stop());

  it('answers POST /contexts/<name> only once the context is RUNNING', async () => {
    const created = await api.post('/contexts/ready');
    expect(created).toMatchObject({
      status: 200,
      body: { status: 'SUCCESS', result: 'Context initialized' },
    });
    const context = await api.get('/contexts/ready');
    expect(context.status).toBe(200);
    expect(context.body.state).toBe('RUNNING');
    expect(processGone(await workerPid('ready'))).toBe(false);
  });

  it('refuses a second context of a live name', async () => {
    const again = await api.post('/contexts/ready');
    expect(again).toMatchObject({
      status: 400,
      body: { status: 'ERROR', result: 'context ready exists' },
    });
  });

  it('passes settings from the query and the body to jobs, the body winning', async () => {
    const body = 'context-settings { color = blue, size = 3, nested { deep = true } }';
    expect((await api.post('/contexts/settings?color=red&shape=round', body)).status).toBe(200);
    const run = await api.submit({
      appName: 'demo',
      classPath: 'SettingsExample',
      context: 'settings',
      sync: true,
    });
    expect(run.body.status).toBe('OK');
    expect(run.body.result.context).toBe('settings');
    expect(run.body.result.settings).toMatchObject({
      color: 'blue',
      shape: 'round',
      size: 3,
      nested: { deep: true },
    });
    expect((await api.get('/contexts/settings')).body.settings).toMatchObject({
      color: 'blue',
      shape: 'round',
    });
  });

  it('describes a context as {name,state,startTime,adHoc,settings,runningJobs}, counting running jobs', async () => {
    expect((await api.post('/contexts/described?max-jobs-per-context=3')).status).toBe(200);
    const idle = (await api.get('/contexts/described')).body;
    expect(Object.keys(idle).sort()).toEqual([
      'adHoc',
      'name',
      'owner',
      'runningJobs',
      'settings',
      'startTime',
      'state',
    ]);
    expect(idle).toMatchObject({
      name: 'described',
      state: 'RUNNING',
      adHoc: false,
      runningJobs: 0,
    });
    expect(idle.settings).toMatchObject({ 'max-jobs-per-context': 3 });
    expect(idle.startTime).toMatch(ISO);

    const job = await startLong('described');
    await api.waitForJob(job.jobId, ['RUNNING']);
    expect((await api.get('/contexts/described')).body.runningJobs).toBe(1);
    expect((await api.delete(`/jobs/${job.jobId}`)).status).toBe(200);
    await api.waitForJob(job.jobId);
    expect((await api.get('/contexts/described')).body.runningJobs).toBe(0);
  });

  it('answers 404 for a context that does not exist', async () => {
    const res = await api.get('/contexts/nowhere');
    expect(res).toMatchObject({
      status: 404,
      body: { status: 'ERROR', result: 'context nowhere not found' },
    });
    expect((await api.delete('/contexts/nowhere')).status).toBe(404);
  });

  it('with max-jobs-per-context=1 queues a second job until the first ends', async () => {
    expect((await api.post('/contexts/single?max-jobs-per-context=1')).status).toBe(200);
    const first = await startLong('single', 2_000);
    expect(first.status).toBe('STARTED');
    const second = await api.submit(
      { appName: 'demo', classPath: LONG, context: 'single' },
      { durationMs: 100 },
    );
    expect(second.status).toBe(202);
    expect(['QUEUED', 'STARTED']).toContain(second.body.status);
    if (second.body.status === 'QUEUED') {
      expect((await api.get(`/jobs/${second.body.jobId}`)).body.status).toBe('QUEUED');
    }
    const firstDone = await api.waitForJob(first.jobId);
    const secondDone = await api.waitForJob(second.body.jobId);
    expect(firstDone.status).toBe('OK');
    expect(secondDone.status).toBe('OK');
    const [a, b] = await server.query<{ end_time: Date; start_time: Date }>(
      'SELECT start_time, end_time FROM jobs WHERE id = ANY($1) ORDER BY created_at',
      [[first.jobId, second.body.jobId]],
    );
    expect(b.start_time.getTime()).toBeGreaterThanOrEqual(a.end_time.getTime());
  });

  it('answers an async job whose validate outlasts accept-timeout QUEUED, not STARTED: it has not passed validation', async () => {
    const bundle = path.join(mkdtempSync(path.join(os.tmpdir(), 'slow-validate-')), 'slow.mjs');
    writeFileSync(bundle, `export const SlowValid = {
      async validate(ctx, config) { await new Promise((r) => setTimeout(r, config.ms)); return config.ok ? undefined : { valid: false, reason: 'slow no' }; },
      runJob: () => 'ran',
    };`);
    await api.upload('slow', bundle);
    expect((await api.post('/contexts/validating')).status).toBe(200);
    const res = await api.submit({ appName: 'slow', classPath: 'SlowValid', context: 'validating' }, { ms: 2500, ok: false });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.status).toBe('QUEUED');
    expect((await api.waitForJob(res.body.jobId)).result).toMatchObject({ errorClass: 'ValidationFailed', message: 'slow no' });
    const passing = await api.submit({ appName: 'slow', classPath: 'SlowValid', context: 'validating' }, { ms: 10, ok: true });
    expect(passing.body.status).toBe('STARTED');
    expect((await api.delete('/contexts/validating')).status).toBe(200);
  });

  it('stops a context with DELETE: its running and queued jobs end KILLED and its worker exits', async () => {
    expect((await api.post('/contexts/doomed?max-jobs-per-context=1')).status).toBe(200);
    const pid = await workerPid('doomed');
    const running = await startLong('doomed');
    expect(running.status).toBe('STARTED');
    const queued = await startLong('doomed');
    expect(queued.status).toBe('QUEUED');

    const stopped = await api.delete('/contexts/doomed');
    const answeredAt = Date.now();
    expect(stopped).toMatchObject({
      status: 200,
      body: { status: 'SUCCESS', result: 'Context stopped' },
    });
    const goneAfter = eventually(
      async () => (processGone(pid) ? Date.now() - answeredAt : undefined),
      5_000,
    );
    for (const jobId of [running.jobId, queued.jobId]) {
      const report = await api.waitForJob(jobId);
      expect(report.status).toBe('KILLED');
      expect(report.result).toMatchObject({
        message: `Job ${jobId} killed`,
        errorClass: 'JobKilled',
      });
      expect(Array.isArray(report.result.stack)).toBe(true);
    }
    expect(await api.contextNames()).not.toContain('doomed');
    expect((await api.get('/contexts/doomed')).status).toBe(404);
    console.info(`DELETE /contexts answered; worker exited ${await goneAfter} ms later`);
  });

  it('lets a stopped name be reused at once, and the new context runs jobs', async () => {
    expect((await api.post('/contexts/doomed')).status).toBe(200);
    const run = await api.submit({
      appName: 'demo',
      classPath: 'SettingsExample',
      context: 'doomed',
      sync: true,
    });
    expect(run.body).toMatchObject({ status: 'OK', result: { context: 'doomed' } });
    expect((await api.get('/contexts/doomed')).body.state).toBe('RUNNING');
  });

  it("reuses a name right after DELETE without the old life's clean-up touching jobs of the new one", async () => {
    expect((await api.post('/contexts/phoenix')).status).toBe(200);
    const lost: unknown[] = [];
    for (let life = 0; life < 10; life++) {
      expect((await api.delete('/contexts/phoenix')).status).toBe(200);
      const created = api.post('/contexts/phoenix');
      // Post a job as soon as the new context holds the name (it is accepted while STARTED).
      const job = await eventually(async () => {
        const res = await api.submit({
          appName: 'demo',
          classPath: 'SettingsExample',
          context: 'phoenix',
        });
        return res.status === 404 ? undefined : res;
      });
      expect(job.status, JSON.stringify(job.body)).toBe(202);
      expect((await created).status).toBe(200);
      const report = await api
        .waitForJob(job.body.jobId, undefined, 10_000)
        .catch((e: Error) => ({ status: e.message }));
      if (report.status !== 'OK') {
        // What a failure needs to be explained: every life of the name and the job's own row.
        const lives = await server.query(`SELECT id, state, start_time, end_time, pid FROM contexts WHERE name = 'phoenix' ORDER BY start_time`);
        const row = await server.query(`SELECT created_at, start_time, end_time, event_seq FROM jobs WHERE id = $1`, [job.body.jobId]);
        lost.push({ life, report, lives, row });
      }
    }
    expect(lost).toEqual([]);
  });

  it('refuses jobs for a stopped context', async () => {
    expect((await api.post('/contexts/gone')).status).toBe(200);
    expect((await api.delete('/contexts/gone')).status).toBe(200);
    const res = await api.submit({
      appName: 'demo',
      classPath: 'SettingsExample',
      context: 'gone',
    });
    expect(res).toMatchObject({
      status: 404,
      body: { status: 'ERROR', result: 'context gone not found' },
    });
  });

  describe('ad-hoc contexts', () => {
    /** The ad-hoc context of a job and its worker pid, from the records. */
    const adHocOf = async (jobId: string) => {
      const [row] = await server.query<{ name: string; pid: number; ad_hoc: boolean }>(
        'SELECT c.name, c.pid, c.ad_hoc FROM jobs j JOIN contexts c ON c.name = j.context_name WHERE j.id = $1',
        [jobId],
      );
      return row;
    };

    /** Waits until the context is no longer listed, its record ended and its worker exited. */
    const expectCleanedUp = async (jobId: string, classPath: string) => {
      const context = await adHocOf(jobId);
      expect(context.name).toMatch(new RegExp(`^[0-9a-f]{8}-${classPath}$`));
      expect(context.ad_hoc).toBe(true);
      expect(context.pid).toEqual(expect.any(Number));
      await eventually(async () =>
        (await api.contextNames()).includes(context.name) ? undefined : true,
      );
      expect((await api.get(`/contexts/${context.name}`)).status).toBe(404);
      await eventually(async () => (processGone(context.pid) ? true : undefined), 5_000);
      const [row] = await server.query<{ state: string }>(
        'SELECT state FROM contexts WHERE name = $1',
        [context.name],
      );
      expect(row.state).toBe('FINISHED');
    };

    it('stops the ad-hoc context of a job that finished', async () => {
      const res = await api.submit(
        { appName: 'demo', classPath: 'WordCountExample' },
        'input.string = a b a',
      );
      expect(res.status).toBe(202);
      expect((await api.waitForJob(res.body.jobId)).status).toBe('OK');
      await expectCleanedUp(res.body.jobId, 'WordCountExample');
    });

    it('stops the ad-hoc context of a job that failed', async () => {
      const res = await api.submit(
        { appName: 'demo', classPath: 'FailingExample', sync: true },
        { message: 'boom' },
      );
      expect(res.body).toMatchObject({
        status: 'ERROR',
        result: { message: 'boom', errorClass: 'Error' },
      });
      await expectCleanedUp(res.body.jobId, 'FailingExample');
    });

    it('stops the ad-hoc context of a job that failed validation', async () => {
      // sync: an async answer would depend on the context starting within accept-timeout (1 s here).
      const res = await api.submit(
        { appName: 'demo', classPath: 'WordCountExample', sync: true },
        'bad.input = abc',
      );
      expect(res.status).toBe(400);
      expect(res.body.status).toBe('VALIDATION FAILED');
      const [job] = await server.query<{ id: string }>(
        "SELECT id FROM jobs WHERE class_path = 'WordCountExample' ORDER BY created_at DESC LIMIT 1",
      );
      await expectCleanedUp(job.id, 'WordCountExample');
    });

    it('gives an ad-hoc context the context-settings of the job config', async () => {
      const config = 'context-settings { flavour = mint }';
      const res = await api.submit(
        { appName: 'demo', classPath: 'SettingsExample', sync: true },
        config,
      );
      expect(res.body.status).toBe('OK');
      expect(res.body.result.settings).toMatchObject({ flavour: 'mint' });
      expect(res.body.result.context).toMatch(/^[0-9a-f]{8}-SettingsExample$/);
      await expectCleanedUp(res.body.jobId, 'SettingsExample');
    });
  });
});
