import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, type Json } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

describe('console: bad input and misbehaving statements', () => {
  let server: TestServer;
  let api: JobserverClient;
  const post = (code: string, context = 'errs') => api.post(`/contexts/${context}/statements?wait=30`, { code });
  const output = async (code: string): Promise<Json> => {
    const res = await post(code);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.state).toBe('available');
    return res.body.output;
  };
  const expectError = (res: { status: number; body: Json }, status: number, message: string | RegExp) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.status).toBe('ERROR');
    expect(res.body.result).toMatch(message);
  };

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_KILL_GRACE: '2s' });
    api = new JobserverClient(server.url);
    await api.upload('demo');
    expect((await api.post('/contexts/errs')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it('refuses empty code, a JSON object without string code and a bad wait with 400', async () => {
    expectError(await api.post('/contexts/errs/statements', { code: '' }), 400, 'code is empty');
    expectError(await api.post('/contexts/errs/statements', '   \n'), 400, 'code is empty');
    expectError(await api.post('/contexts/errs/statements', { code: 42 }), 400, '"code" must be a string');
    expectError(await api.post('/contexts/errs/statements', { code: '"a\u0000b"' }), 400, 'code holds a NUL character (U+0000): write it as \\0 in a string');
    expectError(await api.post('/contexts/errs/statements', '"a\u0000b"'), 400, /NUL character/);
    expectError(await api.post('/contexts/errs/statements?wait=soon', { code: '1' }), 400, /wait must be a number/);
    expectError(await api.post('/contexts/errs/statements?wait=-1', { code: '1' }), 400, /wait must be a number/);
    expectError(await api.post('/contexts/errs/completion', 'not json'), 400, /body must be/);
  });

  it('ends statements whose output or error holds U+0000 or a lone surrogate available (U+FFFD stored), and jobs that throw one ERROR', async () => {
    expect(await output('"a\\0b"')).toMatchObject({ status: 'ok', data: { 'application/json': expect.stringMatching(/^a[\u0000\ufffd]b$/) } });
    expect(await output('console.log("x\\0y"); "\\ud800"')).toMatchObject({ status: 'ok', data: { 'application/json': expect.stringMatching(/^[\ud800\ufffd]$/) } });
    expect(await output('throw new Error("bad\\0msg")')).toMatchObject({ status: 'error', evalue: expect.stringMatching(/^bad[\u0000\ufffd]msg$/) });
    const job = await api.post('/jobs?appName=demo&classPath=FailingExample&context=errs&sync=true&timeout=20', { message: 'bad\u0000msg' });
    expect({ status: job.status, result: job.body.result }).toMatchObject({ status: 200, result: { message: expect.stringMatching(/^bad[\u0000\ufffd]msg$/) } });
    expect((await api.get(`/jobs/${job.body.jobId}`)).body).toMatchObject({ status: 'ERROR', result: { message: 'bad\ufffdmsg' } });
  });

  it('ends code that does not parse available with a SyntaxError and its position', async () => {
    expect(await output('let x = ;')).toMatchObject({ status: 'error', ename: 'SyntaxError', evalue: 'Unexpected token (1:8)' });
  });

  it('turns a thrown non-Error, cycles, functions, symbols and a 100 MB string into outputs', async () => {
    expect(await output('throw 42')).toMatchObject({ status: 'error', ename: 'Error', evalue: '42' });
    expect(await output('throw new RangeError("far")')).toMatchObject({ ename: 'RangeError', evalue: 'far', traceback: expect.any(Array) });
    const cycle = await output('const cyc = { name: "c" }; cyc.self = cyc; cyc');
    expect(cycle.data).toEqual({ 'text/plain': "<ref *1> { name: 'c', self: [Circular *1] }", 'application/json': '[object Object]' });
    expect((await output('function named() {}; named')).data['text/plain']).toBe('[Function: named]');
    expect((await output('Symbol.for("s")')).data).toEqual({ 'text/plain': 'Symbol(s)', 'application/json': 'Symbol(s)' });
    const huge = await output('"z".repeat(100 * 1024 * 1024)');
    expect(huge.status).toBe('ok');
    expect(huge.data['application/json']).toBeUndefined();
    expect(huge.data['text/plain']).toMatch(/^\[application\/json left out: .*max-result-size/);
    expect(huge.data['text/plain'].length).toBeLessThan(2 * 1024 * 1024);
  });

  it('cuts a statement that prints 100 MB, saying so', async () => {
    const printed = await output('for (let i = 0; i < 100; i++) console.log("p".repeat(1024 * 1024)); "printed"');
    const text: string = printed.data['text/plain'];
    expect(text.length).toBeLessThan(1.1 * 1024 * 1024);
    expect(text).toMatch(/\[output truncated: \d+ more characters than statement-output-limit \(1048576 characters\)\]$/);
  });

  it('survives process.exit(): the statement ends with an error output, the context stays usable', async () => {
    await output('const beforeExit = 1');
    expect(await output('process.exit(3)')).toMatchObject({ status: 'error', ename: 'ExecutorExited', evalue: 'executor exited with code 3' });
    await eventually(async () => ((await api.get('/contexts/errs')).body.state === 'RUNNING' ? true : undefined));
    expect((await output('typeof beforeExit')).data['application/json']).toBe('undefined');
    const history = (await api.get('/contexts/errs/statements')).body.statements as Json[];
    expect(history.some((s) => s.output?.ename === 'ScopeReset')).toBe(true);
  });

  it('answers 404 for an unknown context and statement, 400 for a statement id that is not a number', async () => {
    expectError(await post('1', 'nowhere'), 404, 'context nowhere not found');
    expectError(await api.get('/contexts/nowhere/statements'), 404, 'context nowhere not found');
    expectError(await api.get('/contexts/errs/statements/99999'), 404, 'statement 99999 not found');
    expectError(await api.post('/contexts/errs/statements/99999/cancel'), 404, 'statement 99999 not found');
    for (const id of ['abc', '-1', '1.5', '1e3', '99999999999']) {
      expectError(await api.get(`/contexts/errs/statements/${id}`), 400, /statement id must be a non-negative integer/);
      expectError(await api.post(`/contexts/errs/statements/${id}/cancel`), 400, /statement id must be a non-negative integer/);
    }
  });

  it('answers 404 for the context of an ad-hoc job that finished', async () => {
    const job = await api.submit({ appName: 'demo', classPath: 'SettingsExample', sync: true });
    const report = (await api.get(`/jobs/${job.body.jobId}`)).body;
    await eventually(async () => ((await api.contextNames()).includes(report.context) ? undefined : true));
    expectError(await post('1', report.context), 404, `context ${report.context} not found`);
  });

  it('answers 409 while the context stops', async () => {
    expect((await api.post('/contexts/stopping')).status).toBe(200);
    const job = await api.submit({ appName: 'demo', classPath: 'LongRunningExample', context: 'stopping' }, { durationMs: 60_000, ignoreSignal: true });
    await api.waitForJob(job.body.jobId, ['RUNNING']);
    const stopped = api.delete('/contexts/stopping');
    await eventually(async () => ((await api.get('/contexts/stopping')).body.state === 'STOPPING' ? true : undefined));
    expectError(await post('1', 'stopping'), 409, 'Context stop in progress');
    expect((await stopped).status).toBe(200);
  });

  it('queues 1000 statements posted at once: none lost, the history keeps the last statements-retained', async () => {
    expect((await api.post('/contexts/many')).status).toBe(200);
    const posts = await Promise.all(
      Array.from({ length: 1000 }, () => api.post('/contexts/many/statements', { code: 'globalThis.hits = (globalThis.hits ?? 0) + 1' })),
    );
    expect(posts.map((p) => p.status)).toEqual(Array(1000).fill(201));
    expect(new Set(posts.map((p) => p.body.id)).size).toBe(1000);
    await eventually(async () => {
      const { body } = await api.get('/contexts/many/statements');
      return body.statements.every((s: Json) => s.state === 'available') && body.statements.at(-1).id === 999 ? true : undefined;
    }, 60_000);
    const count = await api.post('/contexts/many/statements?wait=30', { code: 'hits' });
    expect(count.body.output.data['application/json']).toBe(1000);
    const { body } = await api.get('/contexts/many/statements');
    expect(body.total_statements).toBe(100);
    expect(body.statements[0].id).toBe(901);
  });
});
