import { RedisNames } from '@jobserver/protocol';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, type Json } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

describe('console statements: cancellation, limits, slots, restarts', () => {
  let server: TestServer;
  let api: JobserverClient;
  const path = (context: string, rest = '') => `/contexts/${context}/statements${rest}`;
  const post = async (context: string, code: string, wait = ''): Promise<Json> => {
    const res = await api.post(path(context, wait), { code });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const value = async (context: string, code: string) => {
    const statement = await post(context, code, '?wait=30');
    expect(statement.output?.status, JSON.stringify(statement)).toBe('ok');
    return statement.output.data['application/json'];
  };
  const until = (context: string, id: number, states: string[], timeoutMs?: number): Promise<Json> =>
    eventually(async () => {
      const { body } = await api.get(path(context, `/${id}`));
      return states.includes(body.state) ? body : undefined;
    }, timeoutMs);
  const contextState = async (name: string) => (await api.get(`/contexts/${name}`)).body.state;

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_KILL_GRACE: '1s', JOBSERVER_HEARTBEAT_TIMEOUT: '3s' });
    api = new JobserverClient(server.url);
    await api.upload('demo');
    expect((await api.post('/contexts/live')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it('cancels a cooperative statement through its signal; the scope survives', async () => {
    await value('live', 'const kept = "still here"');
    const waiting = await post('live', 'await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))');
    await until('live', waiting.id, ['running']);
    expect((await api.post(path('live', `/${waiting.id}/cancel`))).body).toEqual({ msg: 'canceled' });
    expect(await until('live', waiting.id, ['cancelled'])).toMatchObject({ state: 'cancelled', output: null });
    expect(await value('live', 'kept')).toBe('still here');
    expect((await api.post(path('live', `/${waiting.id}/cancel`))).body).toEqual({ msg: 'canceled' });
  });

  it('stops a busy statement after kill-grace by replacing the executor: RESTARTING → RUNNING, scope reset in the history', async () => {
    await value('live', 'const lost = 1');
    const busy = await post('live', 'while (true) {}');
    await until('live', busy.id, ['running']);
    expect((await api.post(path('live', `/${busy.id}/cancel`))).status).toBe(200);
    expect((await until('live', busy.id, ['cancelled'])).state).toBe('cancelled');
    await eventually(async () => ((await contextState('live')) === 'RUNNING' ? true : undefined));
    const [row] = await server.query<{ state: string }>(`SELECT state FROM contexts WHERE name = 'live' AND state = 'RUNNING'`);
    expect(row).toBeDefined();
    expect(await value('live', 'typeof lost + typeof kept')).toBe('undefinedundefined');
    const history = (await api.get(path('live'))).body.statements as Json[];
    const reset = history.find((s) => s.id > busy.id && s.output?.ename === 'ScopeReset');
    expect(reset).toMatchObject({ state: 'available', code: '' });
    expect(reset.output.evalue).toMatch(/statement \d+ did not stop within kill-grace \(1s\).*console scope was reset/);
  });

  it('applies job-timeout and mem-per-node to statements', async () => {
    expect((await api.post('/contexts/limited?job-timeout=1s&mem-per-node=64m')).status).toBe(200);
    const cooperative = await post('limited', 'await new Promise((resolve) => signal.addEventListener("abort", () => resolve(signal.reason.message)))', '?wait=30');
    expect(cooperative.output.data['application/json']).toMatch(/ran longer than job-timeout=1s/);
    const hog = await post('limited', 'const hoard = []; for (;;) hoard.push({ s: "x".repeat(64) + hoard.length })', '?wait=60');
    expect(hog).toMatchObject({ state: 'available', output: { status: 'error', ename: 'OutOfMemory', evalue: 'out of memory (mem-per-node=64m)' } });
    expect(await value('limited', '1 + 1')).toBe(2);
  });

  it('waits for a free max-jobs-per-context slot behind a busy job', async () => {
    expect((await api.post('/contexts/oneslot?max-jobs-per-context=1')).status).toBe(200);
    const job = await api.submit({ appName: 'demo', classPath: 'LongRunningExample', context: 'oneslot' }, { durationMs: 2000 });
    await api.waitForJob(job.body.jobId, ['RUNNING']);
    const queued = await post('oneslot', '"after the job"', '?wait=0.5');
    expect(queued).toMatchObject({ state: 'waiting', output: null, started: 0 });
    const done = await until('oneslot', queued.id, ['available']);
    expect(done.output.data['application/json']).toBe('after the job');
    const report = (await api.get(`/jobs/${job.body.jobId}`)).body;
    expect(report.status).toBe('OK');
    expect(done.started).toBeGreaterThanOrEqual(Date.parse(report.startTime) + 1900);
  });

  it('says running from the worker\'s claim before Postgres does; never runs a statement cancelled while it waited', async () => {
    expect((await api.post('/contexts/claims?max-jobs-per-context=1')).status).toBe(200);
    const [{ id: contextId }] = await server.query<{ id: string }>(`SELECT id FROM contexts WHERE name = 'claims' AND state = 'RUNNING'`);
    const blocker = await post('claims', 'await new Promise((resolve) => signal.addEventListener("abort", resolve)); "unblocked"');
    await until('claims', blocker.id, ['running']);
    const cancelled = await post('claims', 'globalThis.ranAnyway = true');
    const claimed = await post('claims', '"claimed"');
    // What a worker's claim says of a statement it started less than 50 ms ago: its row still says waiting.
    const key = new RedisNames(server.prefix).statementClaimKey(contextId, claimed.id);
    const redis = new Redis(server.redisUrl);
    try {
      await redis.set(key, 'running:1234');
      expect((await api.get(path('claims', `/${claimed.id}`))).body).toMatchObject({ state: 'running', started: 1234, output: null });
      expect((await api.get(path('claims'))).body.statements.find((s: Json) => s.id === claimed.id)).toMatchObject({ state: 'running' });
      const [row] = await server.query<{ state: string }>('SELECT state FROM statements WHERE context_id = $1 AND id = $2', [contextId, claimed.id]);
      expect(row.state).toBe('waiting');
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
    expect((await api.post(path('claims', `/${cancelled.id}/cancel`))).body).toEqual({ msg: 'canceled' });
    expect((await api.get(path('claims', `/${cancelled.id}`))).body).toMatchObject({ state: 'cancelled', output: null });
    expect((await api.post(path('claims', `/${blocker.id}/cancel`))).status).toBe(200);
    expect((await until('claims', blocker.id, ['cancelled'])).state).toBe('cancelled');
    expect((await until('claims', claimed.id, ['available'])).output.data['application/json']).toBe('claimed');
    expect(await value('claims', 'typeof ranAnyway')).toBe('undefined');
    expect((await api.get(path('claims', `/${cancelled.id}`))).body.state).toBe('cancelled');
  });

  it('keeps the history and the scope across restarts of gateway and scheduler', async () => {
    await value('live', 'const durable = 7');
    const before = (await api.get(path('live'))).body;
    await server.kill('gateway');
    await server.kill('scheduler');
    await server.start('scheduler');
    await server.start('gateway');
    expect((await api.get(path('live'))).body).toEqual(before);
    expect(await value('live', 'durable * 6')).toBe(42);
  });

  it('ends the statements of a context whose worker died with an error output, never running', async () => {
    expect((await api.post('/contexts/doomed?max-jobs-per-context=1')).status).toBe(200);
    const busy = await post('doomed', 'while (true) {}');
    const waiting = await post('doomed', '1');
    await until('doomed', busy.id, ['running']);
    const [context] = await server.query<{ id: string; pid: number }>(`SELECT id, pid FROM contexts WHERE name = 'doomed' AND state = 'RUNNING'`);
    process.kill(context.pid, 'SIGKILL');
    const ended = await eventually(async () => {
      const rows = await server.query<{ id: number; state: string; output: Json }>(
        'SELECT id, state, output FROM statements WHERE context_id = $1 ORDER BY id',
        [context.id],
      );
      return rows.every((r) => r.state === 'available') ? rows : undefined;
    }, 20_000);
    expect(ended.map((r) => [r.id, r.output.ename])).toEqual([[busy.id, 'ContextTerminated'], [waiting.id, 'ContextTerminated']]);
    expect(ended[0].output.evalue).toBe('context doomed ended (ERROR) before the statement completed');
  });
});
