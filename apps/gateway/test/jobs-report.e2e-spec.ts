import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, eventually, startTestServer, type TestServer } from '../../../test/support/server';
import { expectError, expectErrorObject, isIsoTime, rest, type Rest } from './rest';

/** API.md's summary fields, exactly (`submitTime` only with `include=submitTime`). */
const REPORT_FIELDS = ['appName', 'classPath', 'context', 'duration', 'jobId', 'startTime', 'status'];
const DURATION = /^\d+(\.\d{1,3})? secs$/;

/** Posts a job in context `reports` and waits for its answer. */
async function runSync(api: Rest, classPath: string, config: string): Promise<{ status: string; jobId: string }> {
  const res = await api.post(`/jobs?appName=test&classPath=${classPath}&context=reports&sync=true`, config);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function uploadExamples(api: Rest): Promise<void> {
  expect((await api.post('/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
  expect((await api.post('/contexts/reports')).status).toBe(200);
}

describe('job lists and reports over HTTP', () => {
  let server: TestServer;
  let api: Rest;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    api = rest(server.url);
    await uploadExamples(api);
    ids.first = (await runSync(api, 'WordCountExample', 'input.string = a b c a b see')).jobId;
    ids.failed = (await runSync(api, 'FailingExample', 'errorClass = RangeError\nmessage = "out of range"')).jobId;
    ids.last = (await runSync(api, 'WordCountExample', 'input.string = x')).jobId;
  });
  afterAll(async () => server?.stop());

  it('lists jobs newest first, each with exactly the report fields', async () => {
    const res = await api.get('/jobs');
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json; charset=utf-8');
    expect(res.body.map((j: { jobId: string }) => j.jobId)).toEqual([ids.last, ids.failed, ids.first]);
    for (const summary of res.body) {
      expect(Object.keys(summary).sort()).toEqual(REPORT_FIELDS);
      expect(isIsoTime(summary.startTime)).toBe(true);
      expect(summary.duration).toMatch(DURATION);
    }
    const withSubmit = await api.get('/jobs?include=submitTime');
    for (const summary of withSubmit.body) {
      expect(Object.keys(summary).sort()).toEqual([...REPORT_FIELDS, 'submitTime'].sort());
      expect(isIsoTime(summary.submitTime)).toBe(true);
      expect(Date.parse(summary.submitTime)).toBeLessThanOrEqual(Date.parse(summary.startTime));
    }
    expectError(await api.get('/jobs?include=owner'), 400, 'include must be submitTime');
    expect(res.body[2]).toMatchObject({
      jobId: ids.first,
      status: 'FINISHED',
      classPath: 'WordCountExample',
      appName: 'test',
      context: 'reports',
    });
  });

  it('honours limit and answers 400 for a limit that is not a positive integer', async () => {
    const two = await api.get('/jobs?limit=2');
    expect(two.body.map((j: { jobId: string }) => j.jobId)).toEqual([ids.last, ids.failed]);
    for (const limit of ['0', '-1', 'abc', '1.5']) {
      const res = await api.get(`/jobs?limit=${limit}`);
      expectError(res, 400);
      expect(res.body.result).toMatch(/limit/);
    }
  });

  it('filters by status, case-insensitively, and answers 400 for an unknown status', async () => {
    const ofStatus = async (status: string) =>
      (await api.get(`/jobs?status=${status}`)).body.map((j: { jobId: string; status: string }) => [j.jobId, j.status]);
    const finished = [
      [ids.last, 'FINISHED'],
      [ids.first, 'FINISHED'],
    ];
    expect(await ofStatus('finished')).toEqual(finished);
    expect(await ofStatus('FINISHED')).toEqual(finished);
    expect(await ofStatus('Finished')).toEqual(finished);
    expect(await ofStatus('ERROR')).toEqual([[ids.failed, 'ERROR']]);
    expect(await ofStatus('error')).toEqual([[ids.failed, 'ERROR']]);
    expect(await ofStatus('killed')).toEqual([]);
    expect((await api.get('/jobs?status=finished&limit=1')).body.map((j: { jobId: string }) => j.jobId)).toEqual([ids.last]);
    expectError(await api.get('/jobs?status=bogus'), 400);
  });

  it('reports a finished job as OK with its result and the report fields', async () => {
    const res = await api.get(`/jobs/${ids.first}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      jobId: ids.first,
      status: 'OK',
      classPath: 'WordCountExample',
      appName: 'test',
      context: 'reports',
      startTime: expect.any(String),
      duration: expect.stringMatching(DURATION),
      submitTime: expect.any(String),
      result: { a: 2, b: 2, c: 1, see: 1 },
      owner: null,
      priority: 50,
      retries: 0,
      attempt: 1,
      // API.md: a finished job's fraction is 1, whether it reported progress or not.
      progress: { fraction: 1 },
    });
  });

  it('reports a failed job as ERROR with an error object naming the error class', async () => {
    const res = await api.get(`/jobs/${ids.failed}`);
    expect(res.body).toMatchObject({ jobId: ids.failed, status: 'ERROR', classPath: 'FailingExample' });
    expectErrorObject(res.body.result, { message: 'out of range', errorClass: 'RangeError' });
    expect(res.body.result.stack.length).toBeGreaterThan(0);
    expect(res.body.duration).toMatch(DURATION);
  });

  it('answers a sync job that throws with 200 ERROR and the error object', async () => {
    const res = await api.post('/jobs?appName=test&classPath=FailingExample&sync=true', 'errorClass = TypeError');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ERROR', jobId: expect.any(String) });
    expectErrorObject(res.body.result, { message: 'this job fails', errorClass: 'TypeError' });
  });

  it('serves the posted HOCON config as JSON, and {} for an empty body', async () => {
    const res = await api.get(`/jobs/${ids.first}/config`);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ input: { string: 'a b c a b see' } });
    const empty = await runSync(api, 'SettingsExample', '');
    expect((await api.get(`/jobs/${empty.jobId}/config`)).body).toEqual({});
  });

  it('answers 202 RUNNING with Location when a sync job outlives its timeout, and serves its result later', async () => {
    const res = await api.post(
      '/jobs?appName=test&classPath=LongRunningExample&context=reports&sync=true&timeout=0.3',
      'durationMs = 1500',
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'RUNNING', result: { jobId: expect.any(String), context: 'reports' } });
    const { jobId } = res.body.result;
    expect(res.location).toBe(`/jobs/${jobId}`);
    const later = await eventually(async () => {
      const report = await api.get(res.location!);
      return report.body.status === 'RUNNING' ? undefined : report.body;
    });
    expect(later).toMatchObject({ jobId, status: 'OK', result: { slices: expect.any(Number) } });
  });

  it('answers GET /healthz with 200 {"status":"SUCCESS"}', async () => {
    const res = await api.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ status: 'SUCCESS' });
  });

  it('serves an OpenAPI document listing the jobs, contexts and binaries routes', async () => {
    const res = await api.get('/api-docs/json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/jobs', '/contexts/{name}', '/binaries/{appName}']));
    expect(Object.keys(res.body.paths['/jobs'])).toEqual(expect.arrayContaining(['get', 'post']));
  });

  describe('with api-compat = mainline', () => {
    let mainline: TestServer;
    beforeAll(async () => {
      mainline = await startTestServer({ JOBSERVER_API_COMPAT: 'mainline' });
    });
    afterAll(async () => mainline?.stop());

    it("labels a finished job's own report FINISHED", async () => {
      const compat = rest(mainline.url);
      await uploadExamples(compat);
      const done = await runSync(compat, 'WordCountExample', 'input.string = a b a');
      const report = await compat.get(`/jobs/${done.jobId}`);
      expect(report.body).toMatchObject({ jobId: done.jobId, status: 'FINISHED', result: { a: 2, b: 1 } });
      expect((await compat.get('/jobs?status=finished')).body[0]).toMatchObject({ jobId: done.jobId, status: 'FINISHED' });
    });
  });
});
