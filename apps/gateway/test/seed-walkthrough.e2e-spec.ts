import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, eventually, startTestServer, type TestServer } from '../../../test/support/server';

const WORD_COUNT = 'spark.jobserver.WordCountExample';

describe('the seed walk-through over HTTP', () => {
  let server: TestServer;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    server = await startTestServer();
    http = request(server.url);
  });
  afterAll(async () => server?.stop());

  it('uploads the example bundle as app test with curl --data-binary defaults', async () => {
    // curl --data-binary sends application/x-www-form-urlencoded (superagent would re-encode the bytes).
    const res = await fetch(`${server.url}/jars/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: readFileSync(EXAMPLE_BUNDLE),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ status: 'SUCCESS' });
    expect(Object.keys((await http.get('/jars')).body)).toEqual(['test']);
  });

  it('runs WordCountExample ad hoc and async, then serves its result', async () => {
    const res = await http
      .post(`/jobs?appName=test&classPath=${WORD_COUNT}`)
      .set('content-type', 'application/x-www-form-urlencoded')
      .send('input.string = a b c a b see');
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('STARTED');
    const { jobId, context } = res.body.result;
    expect(res.body.jobId).toBe(jobId);
    expect(context).toMatch(new RegExp(`^[0-9a-f]{8}-${WORD_COUNT}$`));
    const done = await eventually(async () => {
      const job = await http.get(`/jobs/${jobId}`);
      return job.body.status === 'OK' ? job.body : undefined;
    });
    expect(done.result).toEqual({ a: 2, b: 2, c: 1, see: 1 });
    expect(done.duration).toMatch(/^\d+(\.\d{1,3})? secs$/);
  });

  it('creates a named context, runs a sync job in it, and stops it', async () => {
    const created = await http.post('/contexts/test-context?num-cpu-cores=4&mem-per-node=512m').send('');
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ status: 'SUCCESS', result: 'Context initialized' });
    expect((await http.get('/contexts')).body).toContain('test-context');

    const sync = await http
      .post(`/jobs?appName=test&classPath=${WORD_COUNT}&context=test-context&sync=true`)
      .send('input.string = a b c a b see');
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ status: 'OK', result: { a: 2, b: 2, c: 1, see: 1 } });

    const stopped = await http.delete('/contexts/test-context');
    expect(stopped.body).toEqual({ status: 'SUCCESS', result: 'Context stopped' });
    expect((await http.get('/contexts')).body).not.toContain('test-context');
  });

  it('answers 400 VALIDATION FAILED for a config without input.string', async () => {
    const res = await http.post(`/jobs?appName=test&classPath=${WORD_COUNT}`).send('bad.input=abc');
    expect(res.status).toBe(400);
    expect(res.body.status).toBe('VALIDATION FAILED');
    expect(res.body.result).toMatchObject({ message: 'No input.string config param', errorClass: 'ValidationFailed' });
  });
});
