import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, EXAMPLE_BUNDLE, startTestServer, type TestServer } from '../../../test/support/server';
import { call, expect403, passwordHash } from './auth-http';
import { expectError, isIsoTime, rest, type Rest } from './rest';

const SNAPSHOT_FIELDS = ['bytes', 'context', 'createdAt', 'id', 'objects', 'skipped'];
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** A configured context that restores its newest snapshot whenever it is (re)created. */
const CONFIGURED = { keeper: { restore: 'latest' } };

interface Row {
  id: string;
  pid: number;
  state: string;
}

describe('context snapshots: POST/GET /contexts/<name>/snapshots, POST /contexts/<new>?snapshot=<id>, restore = latest', () => {
  let server: TestServer;
  let api: Rest;

  const job = async (context: string, name = 'numbers') => {
    const res = await api.post(`/jobs?appName=test&classPath=NamedObjectsExample&context=${context}&sync=true`, `name = ${name}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.result as { createdBy: string; creations?: number; names: string[] };
  };
  /** Runs a console statement in `context`, answering its `text/plain` output. */
  const statement = async (context: string, code: string): Promise<string> => {
    const res = await api.post(`/contexts/${context}/statements?wait=10`, JSON.stringify({ code }));
    expect(res.body.state, JSON.stringify(res.body)).toBe('available');
    expect(res.body.output.status, JSON.stringify(res.body.output)).toBe('ok');
    return res.body.output.data['text/plain'];
  };
  const names = async (context: string) => ((await api.get(`/contexts/${context}/objects`)).body as Array<{ name: string }>).map((o) => o.name);
  const rows = (name: string) => server.query<Row>('SELECT id, pid, state FROM contexts WHERE name = $1 ORDER BY start_time DESC', [name]);
  const snapshotRows = async () => (await server.query<{ n: number }>('SELECT count(*)::int AS n FROM context_snapshots'))[0].n;
  /** The RUNNING record of that name once there is one other than `notId`. */
  const running = (name: string, notId?: string) =>
    eventually(async () => {
      const [row] = await rows(name);
      return row?.state === 'RUNNING' && row.pid && row.id !== notId ? row : undefined;
    }, 60_000);

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_CONTEXTS: JSON.stringify(CONFIGURED), JOBSERVER_HEARTBEAT_TIMEOUT: '3s' });
    api = rest(server.url);
    expect((await api.post('/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
    expect((await api.post('/contexts/source')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  let original: { createdBy: string };
  let taken: { id: string; bytes: number };

  it('stores the cloneable named objects and lists the others as skipped, with the reason', async () => {
    original = await job('source');
    await statement(
      'source',
      `class Counter { #n = 0; next() { return ++this.#n; } }
       await namedObjects.update('lookup', new Map([['a', { list: [1, 2, 3] }], ['b', { list: [] }]]));
       await namedObjects.update('when', new Date(86400000));
       await namedObjects.update('counter', new Counter());
       await namedObjects.update('handler', { onDone() {} });
       await namedObjects.update('port', new MessageChannel().port1);
       1`,
    );
    const res = await api.post('/contexts/source/snapshots');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(SNAPSHOT_FIELDS);
    expect(res.body).toMatchObject({ context: 'source', objects: ['lookup', 'numbers', 'when'] });
    expect(isIsoTime(res.body.createdAt)).toBe(true);
    expect(res.body.bytes).toBeGreaterThan(1000);
    expect(res.body.skipped).toEqual([
      { name: 'counter', reason: 'a Counter instance at value: class instances are not cloned (they would lose their class, methods and private fields)' },
      { name: 'handler', reason: 'a function at value.onDone: functions cannot be cloned' },
      { name: 'port', reason: expect.stringMatching(/^a MessagePort instance at value: class instances are not cloned/) },
    ]);
    taken = res.body;
  });

  it('lists the snapshots of a context name, newest first', async () => {
    const second = await api.post('/contexts/source/snapshots');
    expect(second.status).toBe(201);
    const res = await api.get('/contexts/source/snapshots');
    expect(res.status).toBe(200);
    expect(res.body.map((s: { id: string }) => s.id)).toEqual([second.body.id, taken.id]);
    expect(res.body[1]).toEqual(taken);
  });

  it('deletes a snapshot of a context name: 404 for an unknown one or one of another name', async () => {
    const extra = await api.post('/contexts/source/snapshots');
    expectError(await api.delete(`/contexts/copy/snapshots/${extra.body.id}`), 404, `snapshot ${extra.body.id} not found`);
    expect((await api.delete(`/contexts/source/snapshots/${extra.body.id}`)).body).toEqual({ status: 'SUCCESS' });
    expectError(await api.delete(`/contexts/source/snapshots/${extra.body.id}`), 404, `snapshot ${extra.body.id} not found`);
    expect((await api.get('/contexts/source/snapshots')).body.map((s: { id: string }) => s.id)).not.toContain(extra.body.id);
    expectError(await api.post(`/contexts/fromdeleted?snapshot=${extra.body.id}`), 404, `snapshot ${extra.body.id} not found`);
  });

  it('starts a new context with the snapshot restored before its first job, its values readable by jobs', async () => {
    const res = await api.post(`/contexts/copy?snapshot=${taken.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await names('copy')).toEqual(['lookup', 'numbers', 'when']);
    // The job finds the object the first context's job created: its factory does not run here.
    const read = await job('copy');
    expect(read.createdBy).toBe(original.createdBy);
    expect(read.creations).toBeUndefined();
    expect(await statement('copy', "JSON.stringify([...(await namedObjects.get('lookup'))])")).toBe(`'[["a",{"list":[1,2,3]}],["b",{"list":[]}]]'`);
    expect(await statement('copy', "(await namedObjects.get('when')).toISOString()")).toBe("'1970-01-02T00:00:00.000Z'");
    expect((await api.get('/contexts/copy')).body.settings).toMatchObject({ snapshot: taken.id });
  });

  it('refuses an unknown snapshot id (404) and a restore into a name that exists (400 as any create), creating nothing', async () => {
    const before = await rows('fresh');
    expectError(await api.post(`/contexts/fresh?snapshot=${UNKNOWN_ID}`), 404, `snapshot ${UNKNOWN_ID} not found`);
    expectError(await api.post('/contexts/fresh?snapshot=not-a-uuid'), 404, 'snapshot not-a-uuid not found');
    expectError(await api.get('/contexts/fresh'), 404);
    expect(await rows('fresh')).toEqual(before);
    const copies = (await rows('copy')).length;
    expectError(await api.post(`/contexts/copy?snapshot=${taken.id}`), 400, 'context copy exists');
    expect((await rows('copy')).length).toBe(copies);
    expect(await names('copy')).toEqual(['lookup', 'numbers', 'when']);
  });

  it("restores a snapshot into an ad-hoc job's context, and refuses an unknown one (404) before recording the job", async () => {
    const adHoc = (id: string, batch = false) =>
      batch
        ? api.post('/jobs/batch?appName=test&classPath=NamedObjectsExample', JSON.stringify([{ 'context-settings': { snapshot: id } }]))
        : api.post('/jobs?appName=test&classPath=NamedObjectsExample&sync=true', `context-settings { snapshot = "${id}" }`);
    const read = await adHoc(taken.id);
    expect(read.body.result, JSON.stringify(read.body)).toMatchObject({ createdBy: original.createdBy });
    const jobs = (await server.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs'))[0].n;
    expectError(await adHoc(UNKNOWN_ID), 404, `snapshot ${UNKNOWN_ID} not found`);
    expectError(await adHoc(UNKNOWN_ID, true), 404, `snapshot ${UNKNOWN_ID} not found`);
    expect((await server.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs'))[0].n).toBe(jobs);
  });

  it('answers 404 for the snapshots of an unknown context, and 400 for bad snapshot settings', async () => {
    const stored = await snapshotRows();
    expectError(await api.post('/contexts/nope/snapshots'), 404, 'context nope not found');
    expectError(await api.get('/contexts/nope/snapshots'), 404, 'context nope not found');
    expectError(await api.post('/contexts/bad?restore=earliest'), 400, 'restore must be latest, got earliest');
    expectError(await api.post('/contexts/bad?snapshot-max-bytes=lots'), 400, 'snapshot-max-bytes must be a size like 64m or 1g, got lots');
    expectError(await api.get('/contexts/bad'), 404);
    expect(await snapshotRows()).toBe(stored);
  });

  it('caps a snapshot at snapshot-max-bytes: an object alone over it is skipped, objects together over it → 413, nothing stored', async () => {
    expect((await api.post('/contexts/capped?snapshot-max-bytes=100k')).status).toBe(200);
    await statement('capped', "await namedObjects.update('a', 'x'.repeat(60000)); await namedObjects.update('b', 'y'.repeat(60000)); 1");
    const stored = await snapshotRows();
    const refused = await api.post('/contexts/capped/snapshots');
    expectError(refused, 413);
    expect(refused.body.result).toMatch(/^snapshot of context capped not stored: its cloneable named objects serialize to at least \d+ bytes, over snapshot-max-bytes \(102400 bytes\)/);
    expect(await snapshotRows()).toBe(stored);
    expect((await api.get('/contexts/capped/snapshots')).body).toEqual([]);
    await statement('capped', "await namedObjects.destroy('b'); await namedObjects.update('huge', 'z'.repeat(200000)); 1");
    const res = await api.post('/contexts/capped/snapshots');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.objects).toEqual(['a']);
    expect(res.body.skipped).toEqual([{ name: 'huge', reason: expect.stringMatching(/^it serializes to 2000\d\d bytes, over snapshot-max-bytes \(102400\)$/) }]);
  });

  it('restores the latest snapshot of a configured context with restore = latest after its worker is killed -9', async () => {
    const first = await running('keeper');
    // No snapshot of the name yet: it started empty.
    expect(await names('keeper')).toEqual([]);
    const created = await job('keeper');
    const res = await api.post('/contexts/keeper/snapshots');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.objects).toEqual(['numbers']);
    // Stored after the snapshot: not restored.
    await job('keeper', 'later');
    process.kill(first.pid, 'SIGKILL');
    const second = await running('keeper', first.id);
    expect(second.pid).not.toBe(first.pid);
    expect(await names('keeper')).toEqual(['numbers']);
    const read = await job('keeper');
    expect(read.createdBy).toBe(created.createdBy);
    expect(read.creations).toBeUndefined();
  });
});

describe('context snapshots with auth.isolate-owners', () => {
  const PASSWORD = 'correct horse';
  let server: TestServer;
  const as = (user: string, method: string, path: string, body?: string | Buffer) =>
    call(server.url, method, path, { basic: `${user}:${PASSWORD}`, body });
  let id: string;

  beforeAll(async () => {
    const hash = passwordHash(PASSWORD);
    const worker = ['binaries', 'contexts', 'jobs'];
    const users = {
      alice: { 'password-hash': hash, permissions: worker },
      bob: { 'password-hash': hash, permissions: worker },
      reader: { 'password-hash': hash, permissions: ['contexts:read'] },
      admin: { 'password-hash': hash, permissions: ['*'] },
    };
    server = await startTestServer({ JOBSERVER_AUTH: JSON.stringify({ enabled: true, users, 'isolate-owners': true }) });
    expect((await as('alice', 'POST', '/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
    expect((await as('alice', 'POST', '/contexts/alice-ctx')).status).toBe(200);
    expect((await as('alice', 'POST', '/jobs?appName=test&classPath=NamedObjectsExample&context=alice-ctx&sync=true', '')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it('takes snapshots with contexts:exec, lists them with contexts:read', async () => {
    expect403(await as('reader', 'POST', '/contexts/alice-ctx/snapshots'), 'contexts:exec');
    const taken = await as('alice', 'POST', '/contexts/alice-ctx/snapshots');
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    id = taken.body.id;
    expect((await as('admin', 'GET', '/contexts/alice-ctx/snapshots')).body.map((s: { id: string }) => s.id)).toEqual([id]);
  });

  it("answers 404 for another owner's snapshots, as if absent, and restores them for their owner", async () => {
    expect((await as('bob', 'GET', '/contexts/alice-ctx/snapshots')).body).toEqual({ status: 'ERROR', result: 'context alice-ctx not found' });
    expect((await as('bob', 'POST', '/contexts/alice-ctx/snapshots')).status).toBe(404);
    const stolen = await as('bob', 'POST', `/contexts/bob-copy?snapshot=${id}`);
    expect({ status: stolen.status, body: stolen.body }).toEqual({ status: 404, body: { status: 'ERROR', result: `snapshot ${id} not found` } });
    expect((await as('admin', 'GET', '/contexts/bob-copy')).status).toBe(404);
    expect((await as('bob', 'DELETE', `/contexts/alice-ctx/snapshots/${id}`)).status).toBe(404);
    expect403(await as('reader', 'DELETE', `/contexts/alice-ctx/snapshots/${id}`), 'contexts:delete');
    expect((await as('alice', 'POST', `/contexts/alice-copy?snapshot=${id}`)).status).toBe(200);
    expect((await as('alice', 'GET', '/contexts/alice-copy/objects')).body.map((o: { name: string }) => o.name)).toEqual(['numbers']);
  });

  it("restores with restore = latest only the newest snapshot of the context's own owner, not another's of the same name", async () => {
    expect((await as('alice', 'DELETE', '/contexts/alice-ctx')).status).toBe(200);
    const reused = await as('bob', 'POST', '/contexts/alice-ctx?restore=latest');
    expect(reused.status, JSON.stringify(reused.body)).toBe(200);
    expect((await as('bob', 'GET', '/contexts/alice-ctx/objects')).body).toEqual([]);
    expect((await as('bob', 'DELETE', '/contexts/alice-ctx')).status).toBe(200);
    expect((await as('alice', 'POST', '/contexts/alice-ctx?restore=latest')).status).toBe(200);
    expect((await as('alice', 'GET', '/contexts/alice-ctx/objects')).body.map((o: { name: string }) => o.name)).toEqual(['numbers']);
  });
});
