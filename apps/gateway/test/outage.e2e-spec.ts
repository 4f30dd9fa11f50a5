import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import {
  EXAMPLE_BUNDLE,
  eventually,
  startTestServer,
  type TestServer,
} from '../../../test/support/server';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy';

const WORD_COUNT = 'spark.jobserver.WordCountExample';
const LONG = 'LongRunningExample';
/** A hang guard, not a speed goal: an answer that takes longer than this counts as no answer. */
const ANSWER_BOUND_MS = 20_000;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: string | Buffer;
}

describe('answers while Postgres or Redis is down', () => {
  let server: TestServer;
  let api: JobserverClient;
  let postgres: TcpProxy;
  let redis: TcpProxy;
  let finishedJob: string;

  const call = async ({ method, path, body }: Route) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      body,
      headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(ANSWER_BOUND_MS),
    });
    const text = await res.text();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text };
  };

  const expectOutage = async (route: Route, what: 'Postgres' | 'Redis') => {
    const answer = await call(route);
    const label = `${route.method} ${route.path} -> ${answer.status} ${answer.text}`;
    expect(answer.status, label).toBe(503);
    expect(answer.retryAfter, label).toMatch(/^\d+$/);
    expect(JSON.parse(answer.text), label).toEqual({
      status: 'ERROR',
      result: `${what} unreachable, retry later`,
    });
  };

  const routes = (): Route[] => [
    { method: 'GET', path: '/binaries' },
    { method: 'GET', path: '/jars' },
    { method: 'GET', path: '/binaries/test' },
    { method: 'POST', path: '/binaries/other', body: readFileSync(EXAMPLE_BUNDLE) },
    { method: 'DELETE', path: '/binaries/test' },
    { method: 'GET', path: '/contexts' },
    { method: 'GET', path: '/contexts/outctx' },
    { method: 'POST', path: '/contexts/another' },
    { method: 'DELETE', path: '/contexts/outctx' },
    { method: 'GET', path: '/jobs' },
    { method: 'GET', path: `/jobs/${finishedJob}` },
    { method: 'GET', path: `/jobs/${finishedJob}/config` },
    { method: 'DELETE', path: `/jobs/${finishedJob}` },
    {
      method: 'POST',
      path: `/jobs?appName=test&classPath=${WORD_COUNT}`,
      body: 'input.string = a b',
    },
    {
      method: 'POST',
      path: `/jobs?appName=test&classPath=${WORD_COUNT}&sync=true`,
      body: 'input.string = a b',
    },
    {
      method: 'POST',
      path: `/jobs?appName=test&classPath=${WORD_COUNT}&context=outctx`,
      body: 'input.string = a',
    },
  ];

  /** Jobs accepted (202) in `outctx` just before a cut: they must still end FINISHED after it. */
  const acceptSlowJobs = async (count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await api.submit(
        { appName: 'test', classPath: LONG, context: 'outctx' },
        { durationMs: 1500 },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      ids.push(res.body.jobId);
    }
    return ids;
  };

  const expectRecovered = async (accepted: string[]) => {
    await eventually(
      async () =>
        (await call({ method: 'GET', path: '/healthz' })).status === 200 ? true : undefined,
      30_000,
    );
    const sync = await api.submit(
      { appName: 'test', classPath: WORD_COUNT, context: 'outctx', sync: true },
      'input.string = a b a',
    );
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    expect(sync.body.result).toEqual({ a: 2, b: 1 });
    // The report spells FINISHED as spark-jobserver's OK.
    for (const id of accepted)
      expect((await api.waitForJob(id, undefined, 60_000)).status).toBe('OK');
    expect((await api.get('/binaries')).status).toBe(200);
    expect((await api.get('/contexts/outctx')).status).toBe(200);
  };

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startTcpProxy(5432), startTcpProxy(6379)]);
    server = await startTestServer({}, { postgresPort: postgres.port, redisPort: redis.port });
    api = new JobserverClient(server.url);
    await api.upload('test');
    expect((await api.post('/contexts/outctx')).status).toBe(200);
    const done = await api.submit(
      { appName: 'test', classPath: WORD_COUNT, context: 'outctx', sync: true },
      'input.string = x',
    );
    expect(done.status).toBe(200);
    finishedJob = done.body.jobId;
  });
  afterAll(async () => {
    await Promise.all([
      postgres?.restore().catch(() => undefined),
      redis?.restore().catch(() => undefined),
    ]);
    await server?.stop();
    await Promise.all([postgres?.close(), redis?.close()]);
  });

  it('answers every route 503 Postgres unreachable, retry later with Retry-After, and recovers by itself', async () => {
    const accepted = await acceptSlowJobs(3);
    const statement = await api.post('/contexts/outctx/statements', { code: 'await new Promise((r) => setTimeout(r, 1500)); 6' });
    expect(statement.status, JSON.stringify(statement.body)).toBe(201);
    await postgres.cut();
    try {
      for (const route of routes()) await expectOutage(route, 'Postgres');
      const health = await call({ method: 'GET', path: '/healthz' });
      expect(health.status).toBe(503);
      expect(JSON.parse(health.text)).toEqual({ status: 'ERROR', result: 'Postgres unreachable' });
      // The statement and the slow jobs end while Postgres is still down.
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      await postgres.restore();
    }
    await expectRecovered(accepted);
    // A statement that ended during the cut is recorded once Postgres is back.
    const ended = await eventually(async () => {
      const res = await api.get(`/contexts/outctx/statements/${statement.body.id}`);
      return res.body.state === 'available' ? res.body : undefined;
    }, 30_000);
    expect(ended.output).toMatchObject({ status: 'ok', data: { 'application/json': 6 } });
  });

  it('answers the routes that need Redis 503 Redis unreachable, retry later; Postgres-only reads keep answering', async () => {
    const victim = await api.submit(
      { appName: 'test', classPath: LONG, context: 'outctx' },
      { durationMs: 120_000 },
    );
    expect(victim.status).toBe(202);
    await api.waitForJob(victim.body.jobId, ['RUNNING']);
    const accepted = await acceptSlowJobs(3);
    const before = await server.query<{ n: string }>('SELECT count(*) AS n FROM jobs');
    await redis.cut();
    try {
      for (const route of routes().filter((r) => needsRedis(r))) await expectOutage(route, 'Redis');
      await expectOutage({ method: 'DELETE', path: `/jobs/${victim.body.jobId}` }, 'Redis');
      for (const path of [
        '/binaries',
        '/jars',
        '/binaries/test',
        '/contexts',
        '/contexts/outctx',
        '/jobs',
        `/jobs/${finishedJob}`,
        `/jobs/${finishedJob}/config`,
      ]) {
        expect((await call({ method: 'GET', path })).status, path).toBe(200);
      }
      const health = await call({ method: 'GET', path: '/healthz' });
      expect(health.status).toBe(503);
      expect(JSON.parse(health.text)).toEqual({ status: 'ERROR', result: 'Redis unreachable' });
    } finally {
      await redis.restore();
    }
    await expectRecovered(accepted);
    expect((await api.delete(`/jobs/${victim.body.jobId}`)).status).toBe(200);
    expect((await api.waitForJob(victim.body.jobId)).status).toBe('KILLED');
    // The submits refused with 503 recorded nothing (no row left QUEUED for the sweeper to end).
    const after = await server.query<{ n: string }>('SELECT count(*) AS n FROM jobs');
    expect(Number(after[0].n)).toBe(Number(before[0].n) + 1);
    expect(await api.contextNames()).toEqual(['outctx']);
  });

  /** Submits in `outctx` from `workers` loops until `stop()`; returns every answer's status and job id. */
  const load = (workers: number) => {
    let running = true;
    const answers: Array<{ status: number; jobId?: string }> = [];
    const loops = Array.from({ length: workers }, async (_, i) => {
      while (running) {
        const sync = i % 2 === 0;
        // A sync answer is bounded by its timeout: one whose end event fell in a Redis cut gets 202 then.
        const query = `appName=test&classPath=${WORD_COUNT}&context=outctx${sync ? '&sync=true&timeout=8' : ''}`;
        const answer = await call({ method: 'POST', path: `/jobs?${query}`, body: 'input.string = a b' });
        // A sync answer after its timeout (202 RUNNING) has the job id in `result` only (API.md).
        const body = JSON.parse(answer.text) as { jobId?: string; result?: { jobId?: string } };
        answers.push({ status: answer.status, jobId: body.jobId ?? body.result?.jobId });
        if (answer.status === 503) expect(answer.retryAfter).toMatch(/^\d+$/);
      }
    });
    return async () => {
      running = false;
      await Promise.all(loops);
      return answers;
    };
  };

  for (const what of ['Postgres', 'Redis'] as const) {
    it(`answers submits under load only 200/202 or 503 across a 2 s ${what} cut, and runs every accepted job`, async () => {
      const proxy = what === 'Postgres' ? postgres : redis;
      const stop = load(6);
      await new Promise((r) => setTimeout(r, 1000));
      await proxy.cut();
      // The load's requests may all be waiting for jobs accepted before the cut: submit anew too.
      const during = load(4);
      await new Promise((r) => setTimeout(r, 2000));
      await proxy.restore();
      const fresh = await during();
      await new Promise((r) => setTimeout(r, 1500));
      const answers = [...(await stop()), ...fresh];
      const counts: Record<number, number> = {};
      for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
      process.stdout.write(`${what} cut under load: ${JSON.stringify(counts)}\n`);
      expect(counts[503], JSON.stringify(counts)).toBeGreaterThan(0);
      expect(Object.keys(counts).filter((status) => !['200', '202', '503'].includes(status))).toEqual([]);
      const accepted = answers.filter((a) => a.status !== 503).map((a) => a.jobId!);
      let lost = 0;
      for (const id of accepted) {
        const report = await api.waitForJob(id, undefined, 60_000);
        // Known gap (README "Outages"): a job whose hand-over from one queue to the next is cut by a
        // Redis outage can be lost; the supervisor's sweeper then ends it ERROR JobLost, never QUEUED.
        if (what === 'Redis' && report.status === 'ERROR' && report.result?.errorClass === 'JobLost') lost++;
        else expect(report.status, JSON.stringify(report)).toBe('OK');
      }
      process.stdout.write(`${what} cut: ${accepted.length} accepted jobs, ${lost} lost in a queue hand-over\n`);
      // Nothing a 503 refused stays QUEUED: it was never recorded, or was ended ERROR at once.
      // A job recorded by a submit answered 503 ends by itself (run, or ended ERROR by the sweeper).
      const openJobs = () =>
        server.query(`SELECT id, status FROM jobs WHERE status IN ('QUEUED', 'RUNNING') AND class_path = $1`, [WORD_COUNT]);
      await eventually(async () => ((await openJobs()).length === 0 ? true : undefined), 60_000).catch(async () =>
        expect(await openJobs()).toEqual([]),
      );
    });
  }
});

/**
 * Submit and context create/stop go to Redis (cancel of a live job too: tested on its own).
 * Context details and a QUEUED job's report read claims only when there are queued jobs.
 */
function needsRedis(route: Route): boolean {
  if (route.path.startsWith('/jobs?')) return true;
  return route.path.startsWith('/contexts/') && route.method !== 'GET';
}
