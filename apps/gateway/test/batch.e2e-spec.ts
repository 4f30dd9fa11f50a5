import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, eventually, startTestServer, type TestServer } from '../../../test/support/server';
import { expectError, rest, type Rest } from './rest';

const WORD_COUNT = '/jobs/batch?appName=test&classPath=WordCountExample';

/** The report of a job once it has ended (a finished job's status is `OK`: API.md's seed labels). */
async function ended(api: Rest, jobId: string): Promise<{ status: string; result: unknown }> {
  return eventually(async () => {
    const res = await api.get(`/jobs/${jobId}`);
    return ['OK', 'ERROR', 'KILLED'].includes(res.body.status) ? res.body : undefined;
  });
}

describe('POST /jobs/batch over HTTP', () => {
  let server: TestServer;
  let api: Rest;
  const jobCount = async () => (await api.get('/jobs?limit=1000')).body.length as number;

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_BATCH_MAX_JOBS: '5' });
    api = rest(server.url);
    expect((await api.post('/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
    expect((await api.post('/contexts/batch')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it('records and queues every job of the array, answering their ids in order, and runs each in the context', async () => {
    const inputs = ['a b a', 'x', 'y y z'];
    const res = await api.post(`${WORD_COUNT}&context=batch`, JSON.stringify(inputs.map((s) => ({ input: { string: s } }))));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(Object.keys(res.body).sort()).toEqual(['jobIds', 'status']);
    expect(res.body.status).toBe('STARTED');
    expect(res.body.jobIds).toHaveLength(3);
    expect(new Set(res.body.jobIds).size).toBe(3);
    const reports = await Promise.all(res.body.jobIds.map((id: string) => ended(api, id)));
    expect(reports.map((r) => r.status)).toEqual(['OK', 'OK', 'OK']);
    expect(reports.map((r) => r.result)).toEqual([{ a: 2, b: 1 }, { x: 1 }, { y: 2, z: 1 }]);
    for (const id of res.body.jobIds) {
      expect((await api.get(`/jobs/${id}`)).body.context).toBe('batch');
      expect((await api.get(`/jobs/${id}/config`)).body).toMatchObject({ input: { string: expect.any(String) } });
    }
  });

  it('gives each job of a batch without context= an ad-hoc context of its own', async () => {
    const res = await api.post(WORD_COUNT, JSON.stringify([{ input: { string: 'p' } }, { input: { string: 'q' } }]));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const reports = await Promise.all(res.body.jobIds.map((id: string) => ended(api, id)));
    expect(reports.map((r) => r.result)).toEqual([{ p: 1 }, { q: 1 }]);
    const contexts = await Promise.all(res.body.jobIds.map(async (id: string) => (await api.get(`/jobs/${id}`)).body.context));
    expect(new Set(contexts).size).toBe(2);
  });

  it('ends a job whose config fails validation ERROR ValidationFailed, the others of its batch running as usual', async () => {
    const res = await api.post(`${WORD_COUNT}&context=batch`, JSON.stringify([{ input: { string: 'ok' } }, { nothing: 1 }]));
    expect(res.status).toBe(202);
    const [good, bad] = await Promise.all(res.body.jobIds.map((id: string) => ended(api, id)));
    expect(good).toMatchObject({ status: 'OK', result: { ok: 1 } });
    expect(bad).toMatchObject({ status: 'ERROR', result: { errorClass: 'ValidationFailed' } });
  });

  it('refuses with 400, naming the problem, a body that is not a non-empty array of objects within the limits; nothing is recorded', async () => {
    const before = await jobCount();
    const cases: Array<[string, RegExp]> = [
      ['', /JSON array/],
      ['input.string = a', /JSON array/],
      ['{"input": {"string": "a"}}', /not a single value/],
      ['[]', /empty/],
      ['[{"a": 1}, 2]', /job config 1 of the batch is not an object/],
      ['[{"a": 1}, null]', /job config 1 of the batch is not an object/],
      ['[{"a": 1}, [1]]', /job config 1 of the batch is not an object/],
      [JSON.stringify(Array.from({ length: 6 }, () => ({}))), /6 job configs, more than batch-max-jobs \(5\)/],
      [`[${'{"a":'.repeat(100)}1${'}'.repeat(100)}]`, /a job config of the batch nests deeper than config-max-depth \(64\)/],
    ];
    for (const [body, message] of cases) {
      const res = await api.post(`${WORD_COUNT}&context=batch`, body);
      expectError(res, 400);
      expect(res.body.result, body.slice(0, 40)).toMatch(message);
    }
    expect(await jobCount()).toBe(before);
  });

  it('answers 404 for an unknown app or context and 400 for a bad query, recording nothing', async () => {
    const before = await jobCount();
    const body = JSON.stringify([{ input: { string: 'a' } }]);
    expectError(await api.post('/jobs/batch?appName=nope&classPath=WordCountExample&context=batch', body), 404);
    expectError(await api.post(`${WORD_COUNT}&context=nope`, body), 404);
    expectError(await api.post('/jobs/batch?classPath=WordCountExample&context=batch', body), 400);
    expectError(await api.post('/jobs/batch?appName=test&context=batch', body), 400);
    expect(await jobCount()).toBe(before);
  });
});
