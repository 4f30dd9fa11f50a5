import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, eventually, startTestServer, type TestServer } from '../../../test/support/server';
import { call, passwordHash } from './auth-http';
import { rest } from './rest';

const PASSWORD = 'correct horse';
const WORD_COUNT = 'spark.jobserver.WordCountExample';
const SYNC_JOB = `/jobs?appName=test&classPath=${WORD_COUNT}&sync=true`;

describe('owners with auth.isolate-owners', () => {
  let server: TestServer;
  const as = (user: string, method: string, path: string, body?: string | Buffer) =>
    call(server.url, method, path, { basic: `${user}:${PASSWORD}`, body });
  let aliceJob: string;
  let aliceAdHocJob: string;
  let bobJob: string;

  beforeAll(async () => {
    const hash = passwordHash(PASSWORD);
    const worker = ['binaries', 'contexts', 'jobs'];
    const users = {
      alice: { 'password-hash': hash, permissions: worker },
      bob: { 'password-hash': hash, permissions: worker },
      admin: { 'password-hash': hash, permissions: ['*'] },
    };
    server = await startTestServer({ JOBSERVER_AUTH: JSON.stringify({ enabled: true, users, 'isolate-owners': true }) });
    expect((await as('alice', 'POST', '/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
    expect((await as('alice', 'POST', '/contexts/alice-ctx')).status).toBe(200);
    const inContext = await as('alice', 'POST', `${SYNC_JOB}&context=alice-ctx`, 'input.string = a b a');
    expect(inContext.status, JSON.stringify(inContext.body)).toBe(200);
    aliceJob = inContext.body.jobId;
    aliceAdHocJob = (await as('alice', 'POST', SYNC_JOB, 'input.string = a')).body.jobId;
    bobJob = (await as('bob', 'POST', SYNC_JOB, 'input.string = b')).body.jobId;
    expect([aliceJob, aliceAdHocJob, bobJob].every(Boolean)).toBe(true);
  });
  afterAll(async () => server?.stop());

  it('records the owner of bundle versions, contexts and jobs and shows it in their reports (ad-hoc contexts get their job owner)', async () => {
    expect((await as('bob', 'GET', '/binaries/test')).body.owner).toBe('alice');
    expect((await as('alice', 'GET', '/contexts/alice-ctx')).body.owner).toBe('alice');
    expect((await as('alice', 'GET', `/jobs/${aliceJob}`)).body.owner).toBe('alice');
    expect((await as('bob', 'GET', `/jobs/${bobJob}`)).body.owner).toBe('bob');
    const adHoc = await server.query<{ owner: string }>(
      `SELECT c.owner FROM contexts c JOIN jobs j ON j.context_name = c.name WHERE j.id = $1`,
      [aliceAdHocJob],
    );
    expect(adHoc).toEqual([{ owner: 'alice' }]);
  });

  it("answers 404 for another principal's contexts, as if absent, and leaves them out of lists", async () => {
    expect((await as('bob', 'GET', '/contexts')).body).not.toContain('alice-ctx');
    expect((await as('alice', 'GET', '/contexts')).body).toContain('alice-ctx');
    expect((await as('admin', 'GET', '/contexts')).body).toContain('alice-ctx');
    const absent = { status: 'ERROR', result: 'context alice-ctx not found' };
    for (const [method, path] of [['GET', '/contexts/alice-ctx'], ['DELETE', '/contexts/alice-ctx'], ['POST', `${SYNC_JOB}&context=alice-ctx`]]) {
      const reply = await as('bob', method, path, method === 'POST' ? 'input.string = x' : undefined);
      expect({ path, status: reply.status, body: reply.body }).toEqual({ path, status: 404, body: absent });
    }
    expect((await as('admin', 'GET', '/contexts/alice-ctx')).status).toBe(200);
  });

  it("answers 404 for another principal's jobs, as if absent, and leaves them out of lists", async () => {
    const ids = (body: Array<{ jobId: string }>) => body.map((j) => j.jobId);
    expect(ids((await as('bob', 'GET', '/jobs')).body)).toEqual([bobJob]);
    expect(ids((await as('alice', 'GET', '/jobs')).body).sort()).toEqual([aliceJob, aliceAdHocJob].sort());
    expect(ids((await as('admin', 'GET', '/jobs')).body)).toHaveLength(3);
    expect(ids((await as('bob', 'GET', '/jobs?status=FINISHED')).body)).toEqual([bobJob]);
    for (const [method, path, result] of [
      ['GET', `/jobs/${aliceJob}`, `No such job ID ${aliceJob}`],
      ['GET', `/jobs/${aliceJob}/config`, `No such job ID ${aliceJob}`],
      ['DELETE', `/jobs/${aliceJob}`, `No such job ID ${aliceJob}`],
    ]) {
      const reply = await as('bob', method, path);
      expect({ path, status: reply.status, body: reply.body }).toEqual({ path, status: 404, body: { status: 'ERROR', result } });
    }
    expect((await as('admin', 'GET', `/jobs/${aliceJob}`)).body.status).toBe('OK');
    expect((await as('alice', 'GET', `/jobs/${aliceJob}/config`)).status).toBe(200);
  });

  it("searches, pages and counts only the principal's own jobs", async () => {
    const ids = (body: Array<{ jobId: string }>) => body.map((j) => j.jobId);
    expect(ids((await as('bob', 'GET', `/jobs?q=${aliceJob}`)).body)).toEqual([]);
    expect(ids((await as('bob', 'GET', '/jobs?q=test')).body)).toEqual([bobJob]);
    expect(ids((await as('alice', 'GET', '/jobs?context=alice-ctx')).body)).toEqual([aliceJob]);
    expect((await as('bob', 'GET', '/jobs/counts')).body).toEqual({ QUEUED: 0, RUNNING: 0, FINISHED: 1, ERROR: 0, KILLED: 0 });
    expect((await as('admin', 'GET', '/jobs/counts?appName=test')).body.FINISHED).toBe(3);
    // Another owner's job id is as unknown a page boundary as a missing one.
    const boundary = await as('bob', 'GET', `/jobs?before=${aliceJob}`);
    expect({ status: boundary.status, body: boundary.body }).toEqual({ status: 400, body: { status: 'ERROR', result: `before: no job ${aliceJob}` } });
    expect((await as('admin', 'GET', `/jobs?before=${aliceJob}`)).status).toBe(200);
  });

  it("names in a bundle's in-use refusal only the jobs the principal may see, and counts the others'", async () => {
    const long = await as('alice', 'POST', '/jobs?appName=test&classPath=LongRunningExample&context=alice-ctx', 'durationMs = 60000');
    expect(long.status, JSON.stringify(long.body)).toBe(202);
    try {
      const toBob = await as('bob', 'DELETE', '/binaries/test');
      expect({ status: toBob.status, body: toBob.body }).toEqual({ status: 403, body: { status: 'ERROR', result: 'Binary is in use by 1 job(s) of other owners' } });
      expect((await as('bob', 'DELETE', '/jars/test')).body.result).not.toContain(long.body.jobId);
      expect((await as('alice', 'DELETE', '/binaries/test')).body.result).toBe(`Binary is in use by job(s): ${long.body.jobId}`);
      expect((await as('admin', 'DELETE', '/binaries/test')).body.result).toBe(`Binary is in use by job(s): ${long.body.jobId}`);
    } finally {
      expect((await as('alice', 'DELETE', `/jobs/${long.body.jobId}`)).status).toBe(200);
    }
  });

  // Last: its jobs would change the counts above.
  it("runs a schedule's jobs as its creator, hides it from others (404), and never runs one in another's context", async () => {
    const body = (context: string) => JSON.stringify({ appName: 'test', classPath: WORD_COUNT, context, every: '1s', config: { input: { string: 'a' } } });
    expect((await as('alice', 'POST', '/schedules/alice-s', body('alice-ctx'))).status).toBe(201);
    expect((await as('bob', 'POST', '/schedules/bob-s', body('alice-ctx'))).status).toBe(201);
    const runs = (name: string) =>
      server.query<{ job_id: string | null; error: string | null; owner: string | null }>(
        `SELECT r.job_id, r.error, j.owner FROM schedule_runs r JOIN schedules s ON s.id = r.schedule_id
         LEFT JOIN jobs j ON j.id = r.job_id WHERE s.name = $1`,
        [name],
      );
    await eventually(async () => ((await runs('alice-s')).length && (await runs('bob-s')).length ? true : undefined));
    expect((await runs('alice-s'))[0]).toMatchObject({ job_id: expect.any(String), owner: 'alice' });
    expect((await runs('bob-s'))[0]).toEqual({ job_id: null, error: 'context alice-ctx is not running', owner: null });

    const names = async (user: string) => ((await as(user, 'GET', '/schedules')).body as Array<{ name: string }>).map((x) => x.name);
    expect(await names('bob')).toEqual(['bob-s']);
    expect(await names('alice')).toEqual(['alice-s']);
    expect(await names('admin')).toEqual(['alice-s', 'bob-s']);
    for (const [method, path] of [['GET', '/schedules/alice-s'], ['DELETE', '/schedules/alice-s'], ['POST', '/schedules/alice-s/pause']]) {
      const reply = await as('bob', method, path);
      expect({ path, status: reply.status, body: reply.body }).toEqual({ path, status: 404, body: { status: 'ERROR', result: 'schedule alice-s not found' } });
    }
    expect((await as('alice', 'DELETE', '/schedules/alice-s')).status).toBe(200);
    expect((await as('admin', 'DELETE', '/schedules/bob-s')).status).toBe(200);
  });

  it("resets, for a principal without *, only its own contexts: another's keep running", async () => {
    expect((await as('bob', 'POST', '/contexts/bob-ctx')).status).toBe(200);
    const reset = await as('bob', 'PUT', '/contexts?reset=reboot');
    expect({ status: reset.status, body: reset.body }).toEqual({ status: 200, body: { status: 'SUCCESS', result: 'Context reset' } });
    expect((await as('bob', 'GET', '/contexts')).body).toEqual([]);
    expect((await as('alice', 'GET', '/contexts/alice-ctx')).body.state).toBe('RUNNING');
  });
});

describe('owners with auth off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  it('records null owners and shows them as null', async () => {
    const api = rest(server.url);
    expect((await api.post('/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
    const job = await api.post(SYNC_JOB, 'input.string = a');
    expect(job.status).toBe(200);
    expect((await api.get(`/jobs/${job.body.jobId}`)).body.owner).toBeNull();
    expect((await api.get('/binaries/test')).body.owner).toBeNull();
    const rows = await server.query(`SELECT owner FROM jobs UNION ALL SELECT owner FROM bundles UNION ALL SELECT owner FROM contexts`);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => r.owner === null)).toBe(true);
  });
});
