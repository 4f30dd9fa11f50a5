import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Redis from 'ioredis';
import { JobserverClient, parentPid } from '../../../test/support/client';
import { startTestCluster, type ClusterProcess, type TestCluster } from '../../../test/support/cluster';
import { eventually } from '../../../test/support/server';

const LIVE = `('STARTED', 'RUNNING', 'STOPPING', 'RESTARTING')`;

describe('pool launcher', () => {
  let cluster: TestCluster;
  let api: JobserverClient;

  const liveContext = async (name: string) =>
    (await cluster.query<{ id: string; pid: number; state: string }>(
      `SELECT id, pid, state FROM contexts WHERE name = $1 AND state IN ${LIVE}`,
      [name],
    ))[0];
  const workerOf = async (name: string): Promise<ClusterProcess> => {
    const { pid } = await liveContext(name);
    // A pool worker the orchestrator started supervises the worker process that hosts the context.
    const worker = cluster.workers.find((w) => w.pid === pid || w.pid === parentPid(pid));
    if (!worker) throw new Error(`context ${name} runs on pid ${pid}, not on a pool worker`);
    return worker;
  };
  const runSettings = (context: string) =>
    api.submit({ appName: 'demo', classPath: 'SettingsExample', context, sync: true });

  beforeAll(async () => {
    cluster = await startTestCluster(
      { gateways: 1, schedulers: 1, workers: 2 },
      { JOBSERVER_CONTEXT_CREATION_TIMEOUT: '3s' },
    );
    api = new JobserverClient(cluster.gateways[0].url);
    await api.upload('demo');
  });
  afterAll(async () => cluster?.stop());

  it('hosts each context on an idle pool worker of its own', async () => {
    const created = await Promise.all([api.post('/contexts/alpha'), api.post('/contexts/beta')]);
    expect(created.map((r) => r.status)).toEqual([200, 200]);
    const [alpha, beta] = await Promise.all([workerOf('alpha'), workerOf('beta')]);
    expect(alpha.pid).not.toBe(beta.pid);
    expect((await runSettings('alpha')).body).toMatchObject({ status: 'OK', result: { context: 'alpha' } });
    expect((await runSettings('beta')).body).toMatchObject({ status: 'OK', result: { context: 'beta' } });
  });

  it('fails a context no idle worker claims within context-creation-timeout, and no later worker hosts it', async () => {
    const res = await api.post('/contexts/gamma');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({
      status: 'CONTEXT INIT ERROR',
      result: { message: 'no idle context worker claimed context gamma within context-creation-timeout (3s)' },
    });
    const [failed] = await cluster.query<{ id: string; state: string }>(
      `SELECT id, state FROM contexts WHERE name = 'gamma'`,
    );
    expect(failed.state).toBe('ERROR');
    // Its claim is gone: a worker that appears now stays idle, and takes the next context.
    const redis = new Redis(cluster.redisUrl);
    try {
      expect(await redis.exists(`${cluster.prefix}:context-claims:${failed.id}`)).toBe(0);
    } finally {
      redis.disconnect();
    }
    const fresh = await cluster.startWorker();
    expect((await api.post('/contexts/gamma')).status).toBe(200);
    expect((await workerOf('gamma')).pid).toBe(fresh.pid);
  });

  it('stops a pool context on DELETE, and its worker exits for a fresh process', async () => {
    const worker = await workerOf('alpha');
    expect((await api.delete('/contexts/alpha')).body).toEqual({ status: 'SUCCESS', result: 'Context stopped' });
    expect(await worker.exited).toBe('exit code 0');
  });

  it('makes the hosting worker exit at once on a kill message, and the context is declared dead', async () => {
    const worker = await workerOf('beta');
    const context = await liveContext('beta');
    const redis = new Redis(cluster.redisUrl);
    try {
      const kill = { type: 'kill', context: 'beta', contextId: context.id };
      await redis.publish(`${cluster.prefix}:worker-control`, JSON.stringify(kill));
    } finally {
      redis.disconnect();
    }
    expect(await worker.exited).toBe('exit code 137');
    const ended = await eventually(async () => {
      const [row] = await cluster.query<{ state: string; error: { message: string } }>(
        'SELECT state, error FROM contexts WHERE id = $1',
        [context.id],
      );
      return row.state === 'ERROR' ? row : undefined;
    }, 10_000);
    expect(ended.error.message).toMatch(/context terminated unexpectedly \(no heartbeat\)/);
  });
});
