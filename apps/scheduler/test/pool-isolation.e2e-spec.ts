import { chmodSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, parentPid, processGone } from '../../../test/support/client';
import { startTestCluster, type TestCluster } from '../../../test/support/cluster';
import { environNames, probeBundleFile, processUid, secretNames, appsReachableByNobody } from '../../../test/support/probe';
import { eventually } from '../../../test/support/server';

const LIVE = `('STARTED', 'RUNNING', 'STOPPING', 'RESTARTING')`;

/** Pool workers get their secrets from the orchestrator's env; user code must still not see them. */
describe('pool worker isolation', () => {
  let cluster: TestCluster;
  let api: JobserverClient;
  const run = async (context: string, classPath: string, config: unknown = {}) => {
    const res = await api.submit({ appName: 'probe', classPath, context, sync: true }, config);
    expect(res.body.status).toBe('OK');
    return res.body.result;
  };

  beforeAll(async () => {
    cluster = await startTestCluster({ gateways: 1, schedulers: 1, workers: 2 });
    api = new JobserverClient(cluster.gateways[0].url);
    await api.upload('probe', probeBundleFile());
  });
  afterAll(async () => cluster?.stop());

  it("keeps the secrets out of a pool worker's job env and /proc/<worker pid>/environ", async () => {
    expect((await api.post('/contexts/pooled')).status).toBe(200);
    const { names } = await run('pooled', 'Env');
    expect(secretNames(names)).toEqual([]);
    const [{ pid }] = await cluster.query<{ pid: number }>(`SELECT pid FROM contexts WHERE name = 'pooled' AND state IN ${LIVE}`);
    expect(secretNames(environNames(pid))).toEqual([]);
  });

  it("ends what a pool worker's job spawned once its context stops", async () => {
    const { pid: sleep } = await run('pooled', 'Spawn');
    expect(processGone(sleep)).toBe(false);
    expect((await api.delete('/contexts/pooled')).status).toBe(200);
    await eventually(async () => (processGone(sleep) ? true : undefined), 15_000);
  });

  it('ends the hosting worker and what its job spawned when the supervisor the orchestrator started is SIGKILLed', async () => {
    expect((await api.post('/contexts/orphaned')).status).toBe(200);
    const [{ pid }] = await cluster.query<{ pid: number }>(`SELECT pid FROM contexts WHERE name = 'orphaned' AND state IN ${LIVE}`);
    // The orchestrator-started process that supervises the context's worker (not just any live one:
    // the worker of the previous test's context may still be on its way out).
    const supervisor = cluster.workers.find((w) => w.pid === parentPid(pid));
    expect(supervisor).toBeDefined();
    const { pid: sleep } = await run('orphaned', 'Spawn');
    await cluster.kill(supervisor!);
    await eventually(async () => (processGone(pid) && processGone(sleep) ? true : undefined), 15_000);
  });
});

describe.skipIf(!appsReachableByNobody())('pool worker with worker-user', () => {
  let cluster: TestCluster;
  let api: JobserverClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ gateways: 1, schedulers: 1, workers: 0 }, { JOBSERVER_WORKER_USER: 'nobody' });
    chmodSync(cluster.logDir, 0o755); // the worker user's bundle cache lives below it
    await cluster.startWorker();
    api = new JobserverClient(cluster.gateways[0].url);
    await api.upload('probe', probeBundleFile());
  });
  afterAll(async () => cluster?.stop());

  it("runs the real worker as that user, unable to read its root supervisor's environ", async () => {
    expect((await api.post('/contexts/confined')).status).toBe(200);
    const [{ pid }] = await cluster.query<{ pid: number }>(`SELECT pid FROM contexts WHERE name = 'confined' AND state IN ${LIVE}`);
    const supervisor = cluster.workers[0].pid;
    expect(processUid(supervisor)).toBe(0);
    expect(processUid(pid)).toBe(65534);
    const res = await api.submit({ appName: 'probe', classPath: 'Environ', context: 'confined', sync: true }, { pid: supervisor });
    expect(res.body).toMatchObject({ status: 'OK', result: { error: 'EACCES' } });
  });

  it('fills the data cache as that user: a confined job reads a data file', async () => {
    await api.upload('demo');
    const bytes = Buffer.from('rows\n'.repeat(1000));
    const up = await fetch(`${api.url}/data/confined`, { method: 'POST', body: bytes });
    const { filename } = ((await up.json()) as { result: { filename: string } }).result;
    const res = await api.submit({ appName: 'demo', classPath: 'DataDigestExample', context: 'confined', sync: true }, `filename = "${filename}"`);
    expect(res.body).toMatchObject({ status: 'OK', result: { length: bytes.length, pathLength: bytes.length } });
  });
});
