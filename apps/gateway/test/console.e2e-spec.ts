import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, type Json } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

/** Livy's statement fields. */
const STATEMENT_KEYS = ['code', 'completed', 'id', 'output', 'progress', 'started', 'state'];

describe('console: a Livy-style session over HTTP', () => {
  let server: TestServer;
  let api: JobserverClient;
  const run = async (code: string, context = 'repl'): Promise<Json> => {
    const res = await api.post(`/contexts/${context}/statements?wait=30`, { code });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.get('location')).toBe(`/contexts/${context}/statements/${res.body.id}`);
    expect(res.body.state, JSON.stringify(res.body)).toBe('available');
    return res.body;
  };
  const value = async (code: string) => {
    const { output } = await run(code);
    expect(output.status, JSON.stringify(output)).toBe('ok');
    return output.data['application/json'];
  };

  beforeAll(async () => {
    server = await startTestServer();
    api = new JobserverClient(server.url);
    await api.upload('demo');
    expect((await api.post('/contexts/repl?max-jobs-per-context=2')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it('defines a variable and uses it in the next statement, counting ids from 0', async () => {
    const first = await run('const greeting = "hello"; console.log("defining"); greeting.length');
    expect(Object.keys(first).sort()).toEqual(STATEMENT_KEYS);
    expect(first).toMatchObject({
      id: 0,
      code: 'const greeting = "hello"; console.log("defining"); greeting.length',
      progress: 1,
      output: { status: 'ok', execution_count: 0, data: { 'text/plain': 'defining\n5', 'application/json': 5 } },
    });
    expect(first.started).toBeGreaterThan(0);
    expect(first.completed).toBeGreaterThanOrEqual(first.started);
    expect(await value('`${greeting}, world`')).toBe('hello, world');
    expect(await value('await new Promise((r) => setTimeout(() => r(greeting.toUpperCase()), 10))')).toBe('HELLO');
  });

  it('takes the code as a plain text body too', async () => {
    const res = await api.post('/contexts/repl/statements?wait=30', '6 * 7');
    expect(res.status).toBe(201);
    expect(res.body.output.data['application/json']).toBe(42);
  });

  it('reads a named object a job created, and creates one a later job reads', async () => {
    const made = await api.submit({ appName: 'demo', classPath: 'NamedObjectsExample', context: 'repl', sync: true }, { createMs: 1 });
    expect(made.body.status).toBe('OK');
    expect(await value('(await namedObjects.get("numbers")).values.length')).toBe(1000);
    await run('await namedRdds.update("fromConsole", { createdBy: "console", values: [1, 2, 3] })');
    const read = await api.submit(
      { appName: 'demo', classPath: 'NamedObjectsExample', context: 'repl', sync: true },
      { name: 'fromConsole' },
    );
    expect(read.body.result).toMatchObject({ createdBy: 'console', sum: 6 });
  });

  it('loads an uploaded app and calls an export; sees settings, log and progress', async () => {
    const counts = await value('const demo = await load("demo"); new demo.WordCountExample().runJob({}, { input: { string: "a b a" } })');
    expect(counts).toEqual({ a: 2, b: 1 });
    expect(await value('settings["max-jobs-per-context"]')).toBe(2);
    expect(await value('log.info("from the console"); progress(0.5); typeof signal.aborted')).toBe('boolean');
    const missing = await run('await load("nope")');
    expect(missing.output).toMatchObject({ status: 'error', ename: 'BundleNotFound', evalue: 'appName nope not found' });
  });

  it('lists the history newest last and reads one statement', async () => {
    const list = await api.get('/contexts/repl/statements');
    expect(list.status).toBe(200);
    expect(list.body.total_statements).toBe(list.body.statements.length);
    const ids = list.body.statements.map((s: Json) => s.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
    expect(ids[0]).toBe(0);
    expect((await api.get('/contexts/repl/statements/0')).body).toEqual(list.body.statements[0]);
  });

  it('completes names of the REPL scope and of the named objects', async () => {
    const scope = await api.post('/contexts/repl/completion', { code: 'greet', cursor: 5 });
    expect(scope).toMatchObject({ status: 200, body: { candidates: ['greeting'] } });
    expect((await api.post('/contexts/repl/completion', { code: 'x = fromC' })).body).toEqual({ candidates: ['fromConsole'] });
    expect((await api.post('/contexts/repl/completion', { code: 'greeting.toUp', cursor: 13 })).body.candidates).toEqual(['toUpperCase']);
  });

  it('answers a statement without wait at once, waiting or running, and it becomes available', async () => {
    const res = await api.post('/contexts/repl/statements', { code: 'await new Promise((r) => setTimeout(r, 300)); "late"' });
    expect(res.status).toBe(201);
    expect(['waiting', 'running']).toContain(res.body.state);
    expect(res.body.output).toBeNull();
    const done = await eventually(async () => {
      const now = (await api.get(`/contexts/repl/statements/${res.body.id}`)).body;
      return now.state === 'available' ? now : undefined;
    });
    expect(done.output.data['application/json']).toBe('late');
  });
});
