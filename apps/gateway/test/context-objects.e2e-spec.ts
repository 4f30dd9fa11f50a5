import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, EXAMPLE_BUNDLE, startTestServer, type TestServer } from '../../../test/support/server';
import { expectError, isIsoTime, rest, type Rest } from './rest';

const OBJECT_FIELDS = ['bytes', 'createdAt', 'lastUsedAt', 'name', 'partial', 'ttl', 'type', 'updatedAt'];

describe('named objects of a context over HTTP: GET /contexts/<name>/objects, DELETE …/<object>', () => {
  let server: TestServer;
  let api: Rest;
  const run = async (classPath: string, config = '') =>
    api.post(`/jobs?appName=test&classPath=${classPath}&context=objs&sync=true`, config);

  beforeAll(async () => {
    server = await startTestServer();
    api = rest(server.url);
    expect((await api.post('/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
    expect((await api.post('/contexts/objs')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it('lists what jobs and statements stored, with type, estimated bytes and times', async () => {
    expect((await api.get('/contexts/objs/objects')).body).toEqual([]);
    expect((await run('NamedObjectsExample', 'name = numbers')).status).toBe(200);
    const statement = await api.post('/contexts/objs/statements?wait=10', JSON.stringify({ code: "await namedObjects.update('lookup', new Map([['a', 'x'.repeat(5000)]])); 1" }));
    expect(statement.body.state).toBe('available');
    const res = await api.get('/contexts/objs/objects');
    expect(res.status).toBe(200);
    expect(res.body.map((o: { name: string }) => o.name)).toEqual(['lookup', 'numbers']);
    for (const object of res.body) {
      expect(Object.keys(object).sort()).toEqual(OBJECT_FIELDS);
      for (const time of ['createdAt', 'updatedAt', 'lastUsedAt']) expect(isIsoTime(object[time])).toBe(true);
      expect(object).toMatchObject({ partial: false, ttl: null });
    }
    const [lookup, numbers] = res.body;
    expect(lookup).toMatchObject({ type: 'Map' });
    expect(lookup.bytes).toBeGreaterThan(5000);
    expect(numbers).toMatchObject({ type: 'Object' });
    expect(numbers.bytes).toBeGreaterThan(1000 * 8);
    // A read moves lastUsedAt, not updatedAt.
    await run('NamedObjectsExample', 'name = numbers');
    const [, again] = (await api.get('/contexts/objs/objects')).body;
    expect(Date.parse(again.lastUsedAt)).toBeGreaterThan(Date.parse(numbers.lastUsedAt));
    expect(again.updatedAt).toBe(numbers.updatedAt);
  });

  it('drops one object on DELETE: later jobs create it anew; 404 for an object or context it does not know', async () => {
    expect((await run('NamedObjectsExample', 'name = dropme')).body.result.createdBy).toBeTruthy();
    const first = (await run('NamedObjectsExample', 'name = dropme')).body.result.createdBy;
    const res = await api.delete('/contexts/objs/objects/dropme');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ status: 'SUCCESS' });
    expect((await api.get('/contexts/objs/objects')).body.map((o: { name: string }) => o.name)).not.toContain('dropme');
    expect((await run('NamedObjectsExample', 'name = dropme')).body.result.createdBy).not.toBe(first);
    expectError(await api.delete('/contexts/objs/objects/dropme-not'), 404, 'No named object dropme-not in context objs');
    expectError(await api.get('/contexts/nope/objects'), 404);
    expectError(await api.delete('/contexts/nope/objects/x'), 404);
  });

  it('answers 503 with Retry-After while a job holds the executor thread', async () => {
    const busy = api.post('/jobs?appName=test&classPath=BusyLoopExample&context=objs&sync=true', 'ms = 4000');
    await new Promise((r) => setTimeout(r, 500));
    const res = await fetch(`${server.url}/contexts/objs/objects`);
    const body = await res.json();
    expect((await busy).status).toBe(200);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(body.result).toMatch(/executor of context objs did not answer/);
    expect((await api.get('/contexts/objs/objects')).status).toBe(200);
  });

  /** The JSON lines of the scheduler's log, which holds its context workers' output. */
  const workerLog = (): Array<{ msg?: string; bytes?: number }> =>
    readFileSync(path.join(server.logDir, 'scheduler.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));

  /** Runs a console statement in `context`, answering its output once available. */
  const statement = async (code: string, context = 'objs') => {
    const res = await api.post(`/contexts/${context}/statements?wait=10`, JSON.stringify({ code }));
    expect(res.body.state, JSON.stringify(res.body)).toBe('available');
    return res.body.output;
  };
  const names = async (context: string) => ((await api.get(`/contexts/${context}/objects`)).body as Array<{ name: string }>).map((o) => o.name);

  it('drops an object stored with a ttl once it passed, showing the seconds left until then', async () => {
    await statement("await namedObjects.update('temp', [1, 2, 3], { ttl: 2000 }); 1");
    const temp = (await api.get('/contexts/objs/objects')).body.find((o: { name: string }) => o.name === 'temp');
    expect(temp.ttl).toBeGreaterThanOrEqual(1);
    expect(temp.ttl).toBeLessThanOrEqual(2);
    await eventually(async () => ((await names('objs')).includes('temp') ? undefined : true), 5000);
    expect(workerLog().find((line) => line.msg === 'named object dropped: its ttl passed')).toMatchObject({ context: 'objs', object: 'temp', reason: 'ttl' });
    expect((await statement("String(await namedObjects.get('temp'))")).data['text/plain']).toBe("'undefined'");
    const refused = await statement("await namedObjects.update('bad', 1, { ttl: -5 })");
    expect(refused).toMatchObject({ status: 'error', ename: 'TypeError', evalue: 'ttl must be a positive number of milliseconds, got -5' });
  });

  it('keeps named objects under named-objects-max-bytes, dropping the least recently used', async () => {
    expect((await api.post('/contexts/budget?named-objects-max-bytes=3m')).status).toBe(200);
    const store = (name: string) => statement(`await namedObjects.update('${name}', 'x'.repeat(1_000_000)); 1`, 'budget');
    await store('a');
    await store('b');
    await statement("(await namedObjects.get('a')).length", 'budget');
    await store('c');
    expect(await names('budget')).toEqual(['a', 'b', 'c']);
    await store('d');
    // b was used least recently: it goes, the rest fit in 3 MiB.
    expect(await names('budget')).toEqual(['a', 'c', 'd']);
    // The context's worker logs each drop (its output goes to the scheduler's log).
    const logged = await eventually(async () => workerLog().find((line) => line.msg === 'named object dropped: over named-objects-max-bytes'));
    expect(logged).toMatchObject({ context: 'budget', object: 'b', reason: 'budget' });
    expect(logged.bytes).toBeGreaterThanOrEqual(1_000_000);
  });

  it('refuses a named-objects-max-bytes that is not a size, creating nothing', async () => {
    expectError(await api.post('/contexts/nobudget?named-objects-max-bytes=lots'), 400, 'named-objects-max-bytes must be a size like 100m or 2g, got lots');
    expectError(await api.get('/contexts/nobudget'), 404);
  });
});
