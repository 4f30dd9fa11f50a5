import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, eventually, startTestServer, type TestServer } from '../../../test/support/server';
import { expectError, expectErrorObject, rest, type Rest } from './rest';

const WORD_COUNT = 'spark.jobserver.WordCountExample';
const UNKNOWN_ID = '0b7a1f5e-3c2d-4e6f-8a9b-0c1d2e3f4a5b';

describe('error answers over HTTP', () => {
  let server: TestServer;
  let api: Rest;
  const job = (query: string) => `/jobs?appName=test&classPath=${WORD_COUNT}${query}`;

  beforeAll(async () => {
    server = await startTestServer();
    api = rest(server.url);
    expect((await api.post('/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
    expect((await api.post('/contexts/errctx')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it('answers 404 appName <app> not found for an unknown app, sync and async', async () => {
    for (const sync of ['', '&sync=true', '&context=errctx']) {
      const res = await api.post(`/jobs?appName=nope&classPath=${WORD_COUNT}${sync}`, 'input.string = a');
      expectError(res, 404, 'appName nope not found');
      expect(res.body.status).toBe('ERROR');
    }
  });

  it('answers 404 classPath <name> not found, sync and async, in a named context and ad hoc', async () => {
    for (const where of ['', '&sync=true', '&context=errctx', '&context=errctx&sync=true']) {
      const res = await api.post(`/jobs?appName=test&classPath=no.such.Job${where}`, 'input.string = a');
      expectError(res, 404, 'classPath no.such.Job not found');
    }
  });

  it('answers 404 context <ctx> not found for an unknown context, sync and async', async () => {
    expectError(await api.post(job('&context=ghost'), 'input.string = a'), 404, 'context ghost not found');
    expectError(await api.post(job('&context=ghost&sync=true'), 'input.string = a'), 404, 'context ghost not found');
  });

  it('answers 400 when appName or classPath is missing', async () => {
    const noApp = await api.post(`/jobs?classPath=${WORD_COUNT}`, 'input.string = a');
    expectError(noApp, 400);
    expect(noApp.body.result).toMatch(/appName/);
    const noClass = await api.post('/jobs?appName=test', 'input.string = a');
    expectError(noClass, 400);
    expect(noClass.body.result).toMatch(/classPath/);
    expectError(await api.post('/jobs?appName=&classPath=', ''), 400);
  });

  it('answers 400 Cannot parse config for a config that does not parse, sync and async', async () => {
    for (const body of ['input.string = { a', '[1, 2]', 'a = ${undefined.ref}']) {
      for (const where of ['', '&sync=true', '&context=errctx']) {
        const res = await api.post(job(where), body);
        expectError(res, 400);
        expect(res.body.result).toMatch(/^Cannot parse config/);
      }
    }
  });

  it('answers 400 for sync other than true/false and for a timeout that is not a positive number', async () => {
    for (const query of ['&sync=yes', '&sync=1', '&sync=true&timeout=abc', '&sync=true&timeout=0', '&sync=true&timeout=-1', '&sync=true&timeout=1e3']) {
      const res = await api.post(job(query), 'input.string = a');
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expectError(res, 400);
      expect(res.body.result).toMatch(/sync|timeout/);
    }
  });

  it('answers 400 VALIDATION FAILED with an error object when validate fails, sync and async', async () => {
    for (const where of ['', '&sync=true', '&context=errctx', '&context=errctx&sync=true']) {
      const res = await api.post(job(where), 'bad.input = abc');
      expectError(res, 400);
      expect(res.body.status).toBe('VALIDATION FAILED');
      expectErrorObject(res.body.result, { message: 'No input.string config param' });
    }
  });

  it('answers 400 for context names that start with a digit, hold / or exceed 100 characters', async () => {
    for (const name of ['1abc', 'a%2Fb', 'a/b', 'c'.repeat(101), '_ctx', 'a%20b']) {
      const created = await api.post(`/contexts/${name}`);
      expectError(created, 400);
      expect(created.body.result).toMatch(/context name/);
      expectError(await api.post(job(`&context=${name}`), 'input.string = a'), 400);
    }
  });

  it('answers 400 context <name> exists for a second context of a live name', async () => {
    expectError(await api.post('/contexts/errctx'), 400, 'context errctx exists');
  });

  it('answers 404 context <name> not found to GET and DELETE of an unknown context', async () => {
    expectError(await api.get('/contexts/ghost'), 404, 'context ghost not found');
    expectError(await api.delete('/contexts/ghost'), 404, 'context ghost not found');
  });

  it('answers 400 naming the setting for bad context settings, in the query and in a job body', async () => {
    for (const query of ['num-cpu-cores=abc', 'mem-per-node=lots', 'max-jobs-per-context=0']) {
      const res = await api.post(`/contexts/badsettings?${query}`);
      expectError(res, 400);
      expect(res.body.result).toContain(query.split('=')[0]);
    }
    const body = await api.post('/contexts/badsettings', 'context-settings { num-cpu-cores = many }');
    expectError(body, 400);
    expect(body.body.result).toContain('num-cpu-cores');
    const adHoc = await api.post(job(''), 'input.string = a\ncontext-settings { mem-per-node = lots }');
    expectError(adHoc, 400);
    expect(adHoc.body.result).toContain('mem-per-node');
  });

  it('answers 404 No such job ID for unknown and malformed job ids', async () => {
    for (const id of [UNKNOWN_ID, 'not-a-uuid']) {
      expectError(await api.get(`/jobs/${id}`), 404, `No such job ID ${id}`);
      expectError(await api.get(`/jobs/${id}/config`), 404, `No such job ID ${id}`);
      expectError(await api.delete(`/jobs/${id}`), 404);
    }
  });

  it('answers 404 No running job with ID to DELETE of a finished job', async () => {
    const done = await api.post(job('&context=errctx&sync=true'), 'input.string = a b');
    expect(done.body.status).toBe('OK');
    expectError(await api.delete(`/jobs/${done.body.jobId}`), 404, `No running job with ID ${done.body.jobId}`);
    expect((await api.get(`/jobs/${done.body.jobId}`)).body.status).toBe('OK');
  });

  it('answers 404, never 500, to names and ids that cannot exist (NUL bytes, over-long names)', async () => {
    const nul = 'a%00b';
    expectError(await api.get(`/binaries/${nul}`), 404);
    expectError(await api.delete(`/binaries/${nul}`), 404);
    expectError(await api.get(`/contexts/${nul}`), 404);
    expectError(await api.delete(`/contexts/${nul}`), 404);
    expectError(await api.get(`/binaries/${'b'.repeat(300)}`), 404);
    expectError(await api.get(`/contexts/${'c'.repeat(300)}`), 404);
    expectError(await api.post(`/jobs?appName=${nul}&classPath=${WORD_COUNT}`, 'input.string = a'), 404, 'appName a\u0000b not found');
  });

  it('answers 400, never 500, to a classPath that cannot name an ad-hoc context', async () => {
    for (const classPath of ['a%00b', 'x'.repeat(300), 'a:b']) {
      expectError(await api.post(`/jobs?appName=test&classPath=${classPath}&sync=true`, 'input.string = a'), 400);
    }
  });

  it('answers malformed URLs, over-long path names and unknown routes with the JSON error body', async () => {
    expectError(await api.get('/jobs/%E0%A4%A'), 400);
    expectError(await api.post('/binaries/%', 'exports.A = {}'), 400);
    const long = await api.post(`/binaries/${'x'.repeat(600)}`, 'exports.A = {}');
    expectError(long, 400);
    expect(long.body.result).toMatch(/100 characters/);
    expectError(await api.get('/no-such-route'), 404);
    expectError(await api.get('/binaries/a/b'), 404);
  });

  it('answers 409 Context stop in progress to jobs posted while their context is stopping', async () => {
    expect((await api.post('/contexts/stopping')).status).toBe(200);
    // Without a scheduler to carry out the stop, the context stays STOPPING.
    await server.kill('scheduler');
    const stop = api.delete('/contexts/stopping');
    await eventually(async () => ((await api.get('/contexts/stopping')).body.state === 'STOPPING' ? true : undefined));

    for (const where of ['', '&sync=true']) {
      expectError(await api.post(job(`&context=stopping${where}`), 'input.string = a'), 409, 'Context stop in progress');
    }
    expectError(await api.post('/contexts/stopping'), 400, 'context stopping exists');

    await server.start('scheduler');
    expect((await stop).body).toEqual({ status: 'SUCCESS', result: 'Context stopped' });
    expectError(await api.post(job('&context=stopping'), 'input.string = a'), 404, 'context stopping not found');
  });

  it('leaves no half-created context and no job stuck QUEUED or RUNNING after bad input', async () => {
    await eventually(async () => {
      const contexts = (await api.get('/contexts')).body;
      return contexts.length === 1 ? contexts : undefined;
    });
    expect((await api.get('/contexts')).body).toEqual(['errctx']);
    for (const status of ['queued', 'running']) {
      const res = await api.get(`/jobs?status=${status}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    }
  });
});
