import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, processGone } from '../../../test/support/client';
import { environNames, probeBundleFile, processUid, secretNames, appsReachableByNobody } from '../../../test/support/probe';
import { spawnApp } from '../../../test/support/processes';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

const LIVE = `('STARTED', 'RUNNING', 'STOPPING', 'RESTARTING')`;

/** User code sees none of the server's secrets, and nothing it starts outlives its context. */
describe('context isolation (local launcher)', () => {
  let server: TestServer;
  let api: JobserverClient;
  const workerPid = async (name: string) =>
    (await server.query<{ pid: number }>(`SELECT pid FROM contexts WHERE name = $1 AND state IN ${LIVE}`, [name]))[0]
      ?.pid;
  const run = async (context: string, classPath: string, config: unknown = {}) => {
    const res = await api.submit({ appName: 'probe', classPath, context, sync: true }, config);
    expect(res.body.status).toBe('OK');
    return res.body.result;
  };
  const spawnSleep = async (context: string): Promise<number> => {
    const { pid } = await run(context, 'Spawn');
    expect(processGone(pid)).toBe(false);
    return pid;
  };

  beforeAll(async () => {
    process.env.JOB_VISIBLE = 'shown';
    process.env.JOB_HIDDEN = 'kept back';
    server = await startTestServer({ JOBSERVER_JOB_ENV: 'JOB_VISIBLE,JOB_UNSET' });
    api = new JobserverClient(server.url);
    await api.upload('probe', probeBundleFile());
    for (const name of ['env-a', 'env-b']) expect((await api.post(`/contexts/${name}`)).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it("gives a job a process.env of exactly the job-env variables, none of the server's secrets", async () => {
    const { names, job } = await run('env-a', 'Env');
    expect(secretNames(names)).toEqual([]);
    expect(names).toEqual(['JOB_VISIBLE']);
    expect(job).toEqual({ JOB_VISIBLE: 'shown' });
  });

  it("keeps the secrets out of /proc/<worker pid>/environ, also for a job of another context", async () => {
    const pid = (await workerPid('env-a'))!;
    const own = environNames(pid);
    expect(secretNames(own)).toEqual([]);
    expect(own).toContain('JOB_VISIBLE');
    expect(own).not.toContain('JOB_HIDDEN');
    const seen = await run('env-b', 'Environ', { pid });
    expect(seen.error ?? secretNames(seen.names)).toEqual([]);
  });

  it("keeps the secrets' values out of its parent's (the scheduler's) /proc/<pid>/environ, which a job can read", async () => {
    const seen = await run('env-a', 'ParentEnviron');
    expect(seen.error).toBeUndefined();
    expect(seen.text).toContain('DATABASE_URL=*');
    for (const secret of [server.databaseUrl, server.redisUrl, server.prefix]) expect(seen.text).not.toContain(secret);
  });

  it('ends what a job spawned when its context is deleted', async () => {
    expect((await api.post('/contexts/spawner')).status).toBe(200);
    const sleep = await spawnSleep('spawner');
    expect((await api.delete('/contexts/spawner')).status).toBe(200);
    await eventually(async () => (processGone(sleep) ? true : undefined), 10_000);
  });

  it('ends what a job spawned when its worker is killed with SIGKILL', async () => {
    expect((await api.post('/contexts/doomed')).status).toBe(200);
    const sleep = await spawnSleep('doomed');
    process.kill((await workerPid('doomed'))!, 'SIGKILL');
    await eventually(async () => (processGone(sleep) ? true : undefined), 10_000);
  });

  it('ends what a job spawned when the worker a restarted scheduler adopted is killed with SIGKILL', async () => {
    expect((await api.post('/contexts/adopted')).status).toBe(200);
    const sleep = await spawnSleep('adopted');
    await server.kill('scheduler');
    await server.start('scheduler');
    process.kill((await workerPid('adopted'))!, 'SIGKILL');
    // The new scheduler notices the missing heartbeat (heartbeat-timeout, 5 s by default).
    await eventually(async () => (processGone(sleep) ? true : undefined), 20_000);
  });
});

describe.skipIf(!appsReachableByNobody())('worker-user', () => {
  let server: TestServer;
  let api: JobserverClient;

  beforeAll(async () => {
    // The cache dir's parents must let the worker user through (mkdtemp makes 0700 dirs).
    const parent = mkdtempSync(path.join(os.tmpdir(), 'jobserver-wu-'));
    chmodSync(parent, 0o755);
    const cacheDir = path.join(parent, 'cache');
    server = await startTestServer({ JOBSERVER_WORKER_USER: 'nobody', JOBSERVER_BUNDLE_CACHE_DIR: cacheDir });
    api = new JobserverClient(server.url);
    await api.upload('demo');
  });
  afterAll(async () => server?.stop());

  it('refuses to start a scheduler whose worker-user does not exist', async () => {
    const log = path.join(server.logDir, 'refused-scheduler.log');
    const env = { ...process.env, DATABASE_URL: server.databaseUrl, REDIS_URL: server.redisUrl, JOBSERVER_PREFIX: server.prefix };
    const child = spawnApp('scheduler', { ...env, JOBSERVER_WORKER_USER: 'no-such-jobserver-user' }, log);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(readFileSync(log, 'utf8')).toContain('worker-user no-such-jobserver-user: no such OS user');
  });

  it('runs context workers as that OS user, and their jobs load bundles', async () => {
    expect((await api.post('/contexts/unprivileged')).status).toBe(200);
    const [{ pid }] = await server.query<{ pid: number }>(
      `SELECT pid FROM contexts WHERE name = 'unprivileged' AND state = 'RUNNING'`,
    );
    expect(processUid(pid)).toBe(65534);
    const res = await api.submit(
      { appName: 'demo', classPath: 'spark.jobserver.WordCountExample', context: 'unprivileged', sync: true },
      'input.string = a b a',
    );
    expect(res.body).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });
  });
});
