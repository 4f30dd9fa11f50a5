import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

const WORDS = { appName: 'demo', classPath: 'WordCountExample', context: 'sched', config: { input: { string: 'a b a' } } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `POST/GET/DELETE /schedules/<name>`, pause and resume, missed ticks (issue 16). */
describe('schedules', () => {
  let server: TestServer;
  let api: JobserverClient;

  beforeAll(async () => {
    server = await startTestServer();
    api = new JobserverClient(server.url);
    await api.upload('demo');
    expect((await api.post('/contexts/sched')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  const runsOf = (name: string) =>
    server.query<{ tick: Date; job_id: string | null; error: string | null }>(
      `SELECT r.tick_at AS tick, r.job_id, r.error FROM schedule_runs r JOIN schedules s ON s.id = r.schedule_id
       WHERE s.name = $1 ORDER BY r.tick_at`,
      [name],
    );

  it('creates an every schedule that submits one job per tick, shown with its last jobs', async () => {
    const created = await api.post('/schedules/every-second', { ...WORDS, every: '1s', priority: 70, retries: 2 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      name: 'every-second', appName: 'demo', classPath: 'WordCountExample', context: 'sched', cron: null, every: '1s',
      timezone: null, config: WORDS.config, priority: 70, retries: 2, missed: 'once', paused: false, lastRunAt: null,
    });
    const firstTick = Date.parse(created.body.nextRunAt);
    expect(firstTick - Date.parse(created.body.createdAt)).toBe(1000);

    const runs = await eventually(async () => ((await runsOf('every-second')).length >= 3 ? runsOf('every-second') : undefined));
    const ticks = runs.map((r) => r.tick.getTime());
    expect(ticks[0]).toBe(firstTick);
    // One run a tick, each a second after the last: none twice, none skipped.
    expect(ticks.slice(1).map((t, i) => t - ticks[i]!)).toEqual(ticks.slice(1).map(() => 1000));
    for (const run of runs) {
      const job = await api.waitForJob(run.job_id!);
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'OK', context: 'sched', priority: 70, retries: 2, result: { a: 2, b: 1 } });
    }

    const shown = await api.get('/schedules/every-second');
    expect(shown.status).toBe(200);
    expect(shown.body.lastJobs.length).toBeGreaterThanOrEqual(3);
    expect(shown.body.lastJobs[0]).toMatchObject({ jobId: expect.any(String), error: null });
    expect(Date.parse(shown.body.lastJobs[0].tick)).toBeGreaterThan(Date.parse(shown.body.lastJobs[1].tick));
    expect(Date.parse(shown.body.nextRunAt)).toBeGreaterThan(Date.parse(shown.body.lastRunAt));
    expect((await api.get('/schedules')).body.map((s: { name: string }) => s.name)).toContain('every-second');

    expect((await api.delete('/schedules/every-second')).body).toEqual({ status: 'SUCCESS' });
    expect((await api.get('/schedules/every-second')).status).toBe(404);
    const jobs = await server.query<{ n: string }>(`SELECT count(*) AS n FROM jobs WHERE id = ANY($1::uuid[])`, [runs.map((r) => r.job_id)]);
    expect(Number(jobs[0]!.n)).toBe(runs.length); // deleting a schedule keeps its jobs
  });

  it('runs nothing while paused and ticks again from the resume on', async () => {
    expect((await api.post('/schedules/pausing', { ...WORDS, every: '1s' })).status).toBe(201);
    await eventually(async () => ((await runsOf('pausing')).length >= 1 ? true : undefined));
    const paused = await api.post('/schedules/pausing/pause');
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, nextRunAt: null });
    const before = (await runsOf('pausing')).length;
    await sleep(2500);
    expect((await runsOf('pausing')).length).toBe(before);
    const resumed = await api.post('/schedules/pausing/resume');
    expect(resumed.body).toMatchObject({ paused: false });
    await eventually(async () => ((await runsOf('pausing')).length > before ? true : undefined));
    expect((await api.delete('/schedules/pausing')).status).toBe(200);
  });

  it('reads a five-field cron in its time zone', async () => {
    const res = await api.post('/schedules/weekday-nine', { ...WORDS, cron: '0 9 * * 1-5', timezone: 'Asia/Tokyo' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const next = new Date(res.body.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    // 09:00 in Tokyo is 00:00 UTC, on a weekday there.
    expect(next.toISOString()).toMatch(/T00:00:00\.000Z$/);
    expect(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Tokyo', weekday: 'short' }).format(next)).toMatch(/Mon|Tue|Wed|Thu|Fri/);
    expect(res.body).toMatchObject({ cron: '0 9 * * 1-5', timezone: 'Asia/Tokyo', every: null });
    expect((await api.delete('/schedules/weekday-nine')).status).toBe(200);
  });

  it('records a tick whose context is not running as a run without a job', async () => {
    expect((await api.post('/schedules/nowhere', { ...WORDS, context: 'not-started', every: '1s' })).status).toBe(201);
    const shown = await eventually(async () => {
      const body = (await api.get('/schedules/nowhere')).body;
      return body.lastJobs.length ? body : undefined;
    });
    expect(shown.lastJobs[0]).toMatchObject({ jobId: null, status: null, error: 'context not-started is not running' });
    expect((await api.delete('/schedules/nowhere')).status).toBe(200);
  });

  it('runs an ad-hoc job when the schedule names no context', async () => {
    expect((await api.post('/schedules/ad-hoc', { ...WORDS, context: undefined, every: '1h' })).status).toBe(201);
    // Make the first tick due now (the hour is not waited for).
    await server.query(`UPDATE schedules SET next_run_at = now() WHERE name = 'ad-hoc'`);
    const [run] = await eventually(async () => ((await runsOf('ad-hoc')).length ? runsOf('ad-hoc') : undefined));
    const job = await api.waitForJob(run!.job_id!);
    expect(job).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });
    expect(job.context).toMatch(/^[0-9a-f]{8}-WordCountExample$/);
    expect((await api.delete('/schedules/ad-hoc')).status).toBe(200);
  });

  describe('ticks missed while no scheduler ran', () => {
    /** Creates `name`, stops the scheduler, and makes its ticks of the last hour missed. */
    const missedWhileDown = async (name: string, missed?: 'once' | 'skip') => {
      await server.kill('scheduler');
      expect((await api.post(`/schedules/${name}`, { ...WORDS, every: '1m', ...(missed ? { missed } : {}) })).status).toBe(201);
      await server.query(`UPDATE schedules SET anchor = anchor - interval '1 hour 30 seconds', next_run_at = next_run_at - interval '1 hour 30 seconds' WHERE name = $1`, [name]);
      await server.start('scheduler');
      return eventually(async () => ((await runsOf(name)).length ? runsOf(name) : undefined));
    };

    it('runs them once at start-up by default (missed = once)', async () => {
      const runs = await missedWhileDown('missed-once');
      await sleep(1000);
      expect(await runsOf('missed-once')).toHaveLength(1);
      expect(runs[0]!.error).toBeNull();
      // The latest missed tick ran; the schedule waits for the next minute.
      expect(Date.now() - runs[0]!.tick.getTime()).toBeLessThan(60_000);
      expect((await api.waitForJob(runs[0]!.job_id!)).status).toBe('OK');
      const shown = (await api.get('/schedules/missed-once')).body;
      expect(Date.parse(shown.nextRunAt) - runs[0]!.tick.getTime()).toBe(60_000);
      expect((await api.delete('/schedules/missed-once')).status).toBe(200);
    });

    it('skips them with missed = skip, saying so in its runs', async () => {
      const runs = await missedWhileDown('missed-skip', 'skip');
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ job_id: null, error: expect.stringMatching(/^missed .* and skipped: missed = skip$/) });
      expect((await api.get('/schedules/missed-skip')).body.missed).toBe('skip');
      expect((await api.delete('/schedules/missed-skip')).status).toBe(200);
    });
  });

  describe('bad input', () => {
    const schedules = async () => (await api.get('/schedules')).body.length;

    it.each([
      ['cron of three fields', { cron: '* * *' }, 'cron must have five fields (minute hour day-of-month month day-of-week), got 3'],
      ['cron minute 61', { cron: '61 * * * *' }, 'cron "61 * * * *" does not parse: Constraint error, got value 61 expected range 0-59'],
      ['every of 0', { every: '0s' }, 'every must be at least schedule-min-interval (1000 ms), got 0 ms'],
      ['every of 1 ms', { every: '1ms' }, 'every must be at least schedule-min-interval (1000 ms), got 1 ms'],
      ['every not a duration', { every: 'often' }, 'every must be a duration such as 30s, 5m or 2h, got "often"'],
      ['both cron and every', { cron: '* * * * *', every: '1m' }, 'give exactly one of cron and every'],
      ['neither cron nor every', {}, 'give exactly one of cron and every'],
      ['an unknown time zone', { cron: '* * * * *', timezone: 'Mars/Olympus' }, 'timezone "Mars/Olympus" is not an IANA time zone'],
      ['priority 101', { every: '1m', priority: 101 }, 'priority must be a whole number from 0 to 100'],
      ['priority 1.5', { every: '1m', priority: 1.5 }, 'priority must be a whole number from 0 to 100'],
      ['retries 11', { every: '1m', retries: 11 }, 'retries must be a whole number from 0 to 10'],
      ['missed never', { every: '1m', missed: 'never' }, 'missed must be once or skip'],
      ['config not an object', { every: '1m', config: [1] }, 'config must be an object'],
      ['a misspelt field', { every: '1m', contxt: 'x' }, expect.stringMatching(/^unknown field contxt/)],
      ['a bad context name', { every: '1m', context: '1bad' }, 'context name must start with letters: 1bad'],
      ['no classPath', { every: '1m', classPath: undefined }, 'classPath is required'],
    ])('refuses %s with 400, creating nothing', async (_what, fields, message) => {
      const before = await schedules();
      const res = await api.post('/schedules/bad', { ...WORDS, ...fields });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toEqual({ status: 'ERROR', result: message });
      expect(await schedules()).toBe(before);
    });

    it('refuses a body that is not JSON, a bad name, an unknown app, and a name in use', async () => {
      expect((await api.post('/schedules/bad', '{"appName": ')).status).toBe(400);
      expect((await api.post('/schedules/1bad', { ...WORDS, every: '1m' })).status).toBe(400);
      const unknownApp = await api.post('/schedules/bad', { ...WORDS, appName: 'nope', every: '1m' });
      expect(unknownApp.status).toBe(404);
      expect(unknownApp.body).toEqual({ status: 'ERROR', result: 'appName nope not found' });
      expect((await api.post('/schedules/twice', { ...WORDS, every: '1h' })).status).toBe(201);
      const again = await api.post('/schedules/twice', { ...WORDS, every: '5m' });
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ status: 'ERROR', result: 'schedule twice exists; DELETE it first to replace it' });
      expect((await api.get('/schedules/twice')).body.every).toBe('1h');
      expect((await api.delete('/schedules/twice')).status).toBe(200);
    });

    it('answers 404 for a schedule that does not exist', async () => {
      for (const [method, path] of [['GET', '/schedules/none'], ['DELETE', '/schedules/none'], ['POST', '/schedules/none/pause'], ['POST', '/schedules/none/resume']] as const) {
        const res = await api.request(method, path);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body).toEqual({ status: 'ERROR', result: 'schedule none not found' });
      }
    });
  });
});
