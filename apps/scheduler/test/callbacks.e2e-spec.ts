import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackReceiver, type ReceivedCallback } from '../../../test/support/callback-receiver';
import { JobserverClient, type Json } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

const SECRET = 'callback-test-secret';
const ATTEMPTS = 3;
const WORDS = 'input.string = a b c a b see';
const WORD_COUNT = 'spark.jobserver.WordCountExample';

describe('completion callbacks (callbackUrl) to a real receiver', () => {
  let server: TestServer;
  let api: JobserverClient;
  const receiver = new CallbackReceiver();

  /** A path of the receiver, one per test, so that each test reads only its own requests. */
  const hook = (name: string) => `${receiver.url}/${name}`;
  const submit = (params: Record<string, string>, config: unknown = '') =>
    api.submit({ appName: 'demo', context: 'cb', ...params }, config);
  /** Polls the report until its callback is in `state`. */
  const callbackIn = (jobId: string, state: string): Promise<Json> =>
    eventually(async () => {
      const { body } = await api.get(`/jobs/${jobId}`);
      return body.callback?.state === state ? body : undefined;
    }, 30_000);
  const stored = async (jobId: string) =>
    (
      await server.query<{ attempts: number; lastStatus: number | null; state: string }>(
        `SELECT callback_attempts AS attempts, callback_last_status AS "lastStatus", callback_state AS state FROM jobs WHERE id = $1`,
        [jobId],
      )
    )[0]!;
  /** The request's JSON body, after checking its headers and its signature over the exact bytes. */
  const verified = (request: ReceivedCallback, jobId: string): Json => {
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-jobserver-job']).toBe(jobId);
    const expected = `sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`;
    expect(request.headers['x-jobserver-signature']).toBe(expected);
    expect(
      `sha256=${createHmac('sha256', 'another secret').update(request.body).digest('hex')}`,
    ).not.toBe(expected);
    return JSON.parse(request.body.toString('utf8'));
  };
  const asyncJob = async (params: Record<string, string>, config: unknown) => {
    const res = await submit(params, config);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.jobId as string;
  };

  beforeAll(async () => {
    await receiver.start();
    server = await startTestServer({
      JOBSERVER_CALLBACK_SECRET: SECRET,
      JOBSERVER_CALLBACK_ATTEMPTS: String(ATTEMPTS),
      JOBSERVER_CALLBACK_RETRY_DELAY: '1s',
      JOBSERVER_CALLBACK_TIMEOUT: '500ms',
      JOBSERVER_KILL_GRACE: '1s',
      JOBSERVER_ACCEPT_TIMEOUT: '1s',
    });
    api = new JobserverClient(server.url);
    await api.upload('demo');
    for (const name of ['cb', 'doomed'])
      expect((await api.post(`/contexts/${name}`)).status).toBe(200);
  });
  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
  });

  it("POSTs a finished sync job's result, signed with callback-secret, and reports it DELIVERED", async () => {
    const res = await submit(
      { classPath: WORD_COUNT, sync: 'true', callbackUrl: hook('finished') },
      WORDS,
    );
    expect(res.status).toBe(200);
    const jobId = res.body.jobId as string;
    const report = await callbackIn(jobId, 'DELIVERED');
    expect(report.callback).toEqual({
      url: hook('finished'),
      state: 'DELIVERED',
      attempts: 1,
      lastStatus: 200,
    });
    expect(receiver.to('/finished')).toHaveLength(1);
    expect(verified(receiver.to('/finished')[0]!, jobId)).toEqual({
      jobId,
      result: { a: 2, b: 2, c: 1, see: 1 },
    });
  });

  it('POSTs a failed job as status ERROR with its error object', async () => {
    const jobId = await asyncJob(
      { classPath: 'FailingExample', callbackUrl: hook('error') },
      { message: 'boom', errorClass: 'RangeError' },
    );
    await callbackIn(jobId, 'DELIVERED');
    const body = verified(receiver.to('/error')[0]!, jobId);
    expect(body).toMatchObject({
      jobId,
      status: 'ERROR',
      result: { message: 'boom', errorClass: 'RangeError' },
    });
    expect(Array.isArray(body.result.stack)).toBe(true);
  });

  it('POSTs a job killed by DELETE as status KILLED', async () => {
    const jobId = await asyncJob(
      { classPath: 'LongRunningExample', callbackUrl: hook('deleted') },
      { durationMs: 60_000 },
    );
    await api.waitForJob(jobId, ['RUNNING']);
    expect((await api.delete(`/jobs/${jobId}`)).status).toBe(200);
    await callbackIn(jobId, 'DELIVERED');
    expect(verified(receiver.to('/deleted')[0]!, jobId)).toEqual({
      jobId,
      status: 'KILLED',
      result: { message: `Job ${jobId} killed`, errorClass: 'JobKilled', stack: expect.any(Array) },
    });
  });

  it('POSTs a job killed by its context stopping as status KILLED', async () => {
    const jobId = await asyncJob(
      { classPath: 'LongRunningExample', context: 'doomed', callbackUrl: hook('stopped') },
      { durationMs: 60_000 },
    );
    await api.waitForJob(jobId, ['RUNNING']);
    expect((await api.delete('/contexts/doomed')).status).toBe(200);
    await callbackIn(jobId, 'DELIVERED');
    expect(verified(receiver.to('/stopped')[0]!, jobId)).toMatchObject({
      jobId,
      status: 'KILLED',
      result: { message: `Job ${jobId} killed`, errorClass: 'JobKilled' },
    });
  });

  it('POSTs a job whose context worker crashed as status ERROR', async () => {
    expect((await api.post('/contexts/crashy')).status).toBe(200);
    const res = await submit({
      classPath: 'CrashExample',
      context: 'crashy',
      callbackUrl: hook('crashed'),
    });
    const jobId = res.body.jobId as string;
    await callbackIn(jobId, 'DELIVERED');
    expect(verified(receiver.to('/crashed')[0]!, jobId)).toMatchObject({
      jobId,
      status: 'ERROR',
      result: { message: expect.stringContaining('context terminated unexpectedly') },
    });
  });

  it('POSTs a job that failed validation, and an ad-hoc job', async () => {
    const invalid = await submit(
      { classPath: WORD_COUNT, callbackUrl: hook('invalid') },
      'bad.input = abc',
    );
    expect(invalid.status).toBe(400);
    const [row] = await server.query<{ id: string }>(
      `SELECT id FROM jobs WHERE callback_url = $1`,
      [hook('invalid')],
    );
    await callbackIn(row!.id, 'DELIVERED');
    expect(verified(receiver.to('/invalid')[0]!, row!.id)).toMatchObject({
      status: 'ERROR',
      result: { message: 'No input.string config param', errorClass: 'ValidationFailed' },
    });
    const adHoc = await api.submit(
      { appName: 'demo', classPath: WORD_COUNT, sync: 'true', callbackUrl: hook('adhoc') },
      WORDS,
    );
    expect(adHoc.status).toBe(200);
    await callbackIn(adHoc.body.jobId, 'DELIVERED');
    expect(verified(receiver.to('/adhoc')[0]!, adHoc.body.jobId)).toEqual({
      jobId: adHoc.body.jobId,
      result: { a: 2, b: 2, c: 1, see: 1 },
    });
  });

  it("POSTs each job of a batch submitted with callbackUrl, and refuses a batch's bad callbackUrl recording nothing", async () => {
    const before = (await server.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs'))[0]!.n;
    const bad = await api.post(`/jobs/batch?appName=demo&classPath=${WORD_COUNT}&context=cb&callbackUrl=ftp%3A%2F%2Fx`, JSON.stringify([{}]));
    expect({ status: bad.status, body: bad.body }).toMatchObject({ status: 400, body: { status: 'ERROR', result: expect.stringMatching(/callbackUrl/) } });
    expect((await server.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs'))[0]!.n).toBe(before);
    const url = encodeURIComponent(hook('batch'));
    const res = await api.post(`/jobs/batch?appName=demo&classPath=${WORD_COUNT}&context=cb&callbackUrl=${url}`, JSON.stringify([{ input: { string: 'a b a' } }, { input: { string: 'c' } }]));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const [first, second] = res.body.jobIds as string[];
    for (const jobId of [first!, second!]) expect((await callbackIn(jobId, 'DELIVERED')).callback.url).toBe(hook('batch'));
    const bodies = receiver.to('/batch').map((request) => verified(request, JSON.parse(request.body.toString('utf8')).jobId));
    expect(bodies).toHaveLength(2);
    expect(bodies).toEqual(expect.arrayContaining([{ jobId: first, result: { a: 2, b: 1 } }, { jobId: second, result: { c: 1 } }]));
  });

  it('retries a receiver that is down until it is up, counting the attempts', async () => {
    const late = new CallbackReceiver();
    await late.start();
    const url = `${late.url}/late`;
    await late.stop(); // down: its port refuses connections
    const jobId = await asyncJob({ classPath: WORD_COUNT, callbackUrl: url }, WORDS);
    await eventually(async () => ((await stored(jobId)).attempts >= 1 ? true : undefined));
    expect(await stored(jobId)).toMatchObject({ state: 'PENDING', lastStatus: null });
    await late.start(); // same port, up now
    try {
      const report = await callbackIn(jobId, 'DELIVERED');
      expect(report.callback.attempts).toBeGreaterThanOrEqual(2);
      expect(report.callback.lastStatus).toBe(200);
      expect(late.to('/late')).toHaveLength(1);
    } finally {
      await late.stop();
    }
  });

  it('delivers on a later attempt after the scheduler was killed between attempts', async () => {
    receiver.answers.set('/flaky', 500);
    const jobId = await asyncJob({ classPath: WORD_COUNT, callbackUrl: hook('flaky') }, WORDS);
    await eventually(async () => ((await stored(jobId)).attempts === 1 ? true : undefined));
    await server.kill('scheduler');
    expect(await stored(jobId)).toEqual({ attempts: 1, lastStatus: 500, state: 'PENDING' });
    receiver.answers.set('/flaky', 200);
    await server.start('scheduler');
    const report = await callbackIn(jobId, 'DELIVERED');
    expect(report.callback).toMatchObject({ attempts: 2, lastStatus: 200 });
    // One request per recorded attempt: the attempt made before the kill was not repeated.
    expect(receiver.to('/flaky')).toHaveLength(2);
    expect(verified(receiver.to('/flaky')[1]!, jobId)).toEqual({
      jobId,
      result: { a: 2, b: 2, c: 1, see: 1 },
    });
  });

  it('delivers the callback of a job that ended while no scheduler ran (the outbox)', async () => {
    await server.kill('scheduler');
    // A named context's job needs no scheduler to run: it ends while none runs to deliver its callback.
    const jobId = await asyncJob({ classPath: WORD_COUNT, callbackUrl: hook('outbox') }, WORDS);
    expect(await api.waitForJob(jobId)).toMatchObject({ status: 'OK' });
    expect(await stored(jobId)).toEqual({ attempts: 0, lastStatus: null, state: 'PENDING' });
    await server.start('scheduler');
    await callbackIn(jobId, 'DELIVERED');
    expect(verified(receiver.to('/outbox')[0]!, jobId)).toEqual({ jobId, result: { a: 2, b: 2, c: 1, see: 1 } });
  });

  it.each([
    ['answers 500', 'status500', 500, 500],
    ['redirects (302, never followed)', 'redirect', 302, 302],
    ['never answers (each attempt bounded by callback-timeout)', 'hang', 'hang' as const, null],
  ])('ends FAILED after %s on every attempt', async (_what, path, answer, lastStatus) => {
    receiver.answers.set(`/${path}`, answer);
    const jobId = await asyncJob({ classPath: WORD_COUNT, callbackUrl: hook(path) }, WORDS);
    const report = await callbackIn(jobId, 'FAILED');
    expect(report.callback).toEqual({
      url: hook(path),
      state: 'FAILED',
      attempts: ATTEMPTS,
      lastStatus,
    });
    expect(receiver.to(`/${path}`)).toHaveLength(ATTEMPTS);
    expect(receiver.to('/redirected')).toHaveLength(0);
  });

  it('gave up on each hanging attempt (the scheduler closed the connection)', () => {
    expect(receiver.abandoned).toBe(ATTEMPTS);
  });

  it.each([
    ['ftp://x', 'callbackUrl must be an http or https URL, not ftp:'],
    ['javascript:alert(1)', 'callbackUrl must be an http or https URL, not javascript:'],
    ['http://', 'callbackUrl must be an absolute http or https URL'],
    ['http://example.com/aaa… (10 KiB)', 'callbackUrl must be at most 2048 characters'],
    [
      'http://user:password@127.0.0.1/x',
      'callbackUrl must not hold credentials (user:password@); callbacks are signed with callback-secret',
    ],
  ])('refuses callbackUrl %s with 400 before recording anything', async (shown, message) => {
    const url = shown.endsWith('(10 KiB)') ? `http://example.com/${'a'.repeat(10 * 1024)}` : shown;
    const before = await server.query<{ n: string }>(`SELECT count(*) AS n FROM jobs`);
    for (const sync of ['true', 'false']) {
      const res = await submit({ classPath: WORD_COUNT, sync, callbackUrl: url }, WORDS);
      expect(res).toMatchObject({ status: 400, body: { status: 'ERROR', result: message } });
    }
    expect(await server.query(`SELECT count(*) AS n FROM jobs`)).toEqual(before);
  });

  it('refuses a repeated callbackUrl, and shows no callback for a job without one', async () => {
    const before = await server.query<{ n: string }>(`SELECT count(*) AS n FROM jobs`);
    const twice = await api.post(
      `/jobs?appName=demo&classPath=${WORD_COUNT}&context=cb&callbackUrl=${encodeURIComponent(hook('a'))}&callbackUrl=${encodeURIComponent(hook('b'))}`,
      WORDS,
    );
    expect([twice.status, twice.body]).toEqual([
      400,
      { status: 'ERROR', result: 'callbackUrl given more than once' },
    ]);
    expect(await server.query(`SELECT count(*) AS n FROM jobs`)).toEqual(before);
    const plain = await submit({ classPath: WORD_COUNT, sync: 'true' }, WORDS);
    expect((await api.get(`/jobs/${plain.body.jobId}`)).body).not.toHaveProperty('callback');
  });
});
