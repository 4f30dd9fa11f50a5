import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expect401, expect403, passwordHash } from '../apps/gateway/test/auth-http';
import { parentPid } from './support/client';
import { startTestCluster, type TestCluster } from './support/cluster';
import { eventually } from './support/server';

const PASSWORD = 'correct horse';

interface Process {
  id: string;
  role: string;
  instance: string;
  version: string;
  host: string;
  pid: number;
  startTime: string;
  uptimeSeconds: number;
  lastHeartbeat: string;
  contexts: string[];
}

describe('GET /status across a cluster of two gateways, a scheduler and a pool worker', () => {
  let cluster: TestCluster;
  let one: string;
  let two: string;
  const admin = { basic: `admin:${PASSWORD}` };
  const status = async (base: string) => {
    const reply = await call(base, 'GET', '/status', { basic: `watcher:${PASSWORD}` });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return (reply.body as { processes: Process[] }).processes;
  };

  beforeAll(async () => {
    const hash = passwordHash(PASSWORD);
    const users = {
      admin: { 'password-hash': hash, permissions: ['*'] },
      watcher: { 'password-hash': hash, permissions: ['metrics:read'] },
      reader: { 'password-hash': hash, permissions: ['jobs:read', 'contexts:read'] },
    };
    cluster = await startTestCluster(
      { gateways: 2, schedulers: 1, workers: 1 },
      { JOBSERVER_AUTH: JSON.stringify({ enabled: true, users }) },
    );
    [one, two] = cluster.gateways.map((g) => g.url);
  });
  afterAll(async () => cluster?.stop());

  it('lists every process with its role, version, uptime and heartbeat, the same from either gateway', async () => {
    const processes = await eventually(async () => {
      const listed = await status(one);
      return listed.length === 4 ? listed : undefined;
    });
    const started = [...cluster.gateways, ...cluster.schedulers, ...cluster.workers];
    // A pool worker's supervisor runs the real worker as its child: that one registers.
    const launched = (p: Process) => (p.role === 'context-worker' ? parentPid(p.pid) : p.pid);
    expect(processes.map((p) => [p.role, launched(p), p.instance]).sort()).toEqual(
      started.map((p) => [p.app, p.pid, p.id]).sort(),
    );
    for (const p of processes) {
      expect(p).toMatchObject({ version: '0.1.0', contexts: [] });
      expect(p.id).toBe(`${p.role}-${p.host}-${p.pid}`);
      expect(p.uptimeSeconds).toBeGreaterThanOrEqual(0);
      expect(Date.parse(p.lastHeartbeat)).toBeGreaterThanOrEqual(Date.parse(p.startTime));
    }
    expect((await status(two)).map((p) => p.id)).toEqual(processes.map((p) => p.id));
  });

  it('shows the context a worker holds', async () => {
    expect((await call(one, 'POST', '/contexts/held', admin)).status).toBe(200);
    const worker = await eventually(async () => {
      const found = (await status(two)).find((p) => p.role === 'context-worker');
      return found?.contexts.includes('held') ? found : undefined;
    });
    expect(parentPid(worker.pid)).toBe(cluster.workers[0].pid);
    expect(worker.contexts).toEqual(['held']);
  });

  it('drops a gateway that was killed -9 once its registration expires', async () => {
    const gone = cluster.gateways[1];
    await cluster.kill(gone);
    await eventually(async () => ((await status(one)).some((p) => p.pid === gone.pid) ? undefined : true));
    expect((await status(one)).filter((p) => p.role === 'gateway').map((p) => p.pid)).toEqual([cluster.gateways[0].pid]);
  });

  it('asks for metrics:read, and contexts:reset for a reset', async () => {
    expect401(await call(one, 'GET', '/status'));
    expect403(await call(one, 'GET', '/status', { basic: `reader:${PASSWORD}` }), 'metrics:read');
    expect403(await call(one, 'PUT', '/contexts?reset=reboot', { basic: `reader:${PASSWORD}` }), 'contexts:reset');
  });
});
