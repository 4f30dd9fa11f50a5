import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient, parentPid } from './support/client';
import { startTestCluster, type ClusterProcess, type TestCluster } from './support/cluster';
import { eventually } from './support/server';

const CONTEXTS = ['c1', 'c2', 'c3'];
const JOBS = 48;
/** Jobs accepted before a scheduler and a gateway are killed. */
const KILL_AFTER = 12;
const CONCURRENCY = 8;

/** Jobs that record every run in their context, so that a job run twice would show. */
const RUN_RECORDING_BUNDLE = `
export const RecordRun = {
  async runJob(ctx, config) {
    const runs = await ctx.namedObjects.getOrElseCreate('runs', () => []);
    runs.push(ctx.jobId);
    await new Promise((resolve) => setTimeout(resolve, config.sleepMs));
    return { n: config.n, square: config.n * config.n, ppid: process.ppid };
  },
};
export const Runs = { runJob: async (ctx) => (await ctx.namedObjects.get('runs')) ?? [] };
export const Sleep = { runJob: (ctx, config) => new Promise((resolve) => setTimeout(resolve, config.sleepMs)) };
`;

interface Accepted {
  n: number;
  jobId: string;
  sync: boolean;
  via: string;
}

describe('a cluster of 2 gateways, 2 schedulers and 3 pool workers', () => {
  let cluster: TestCluster;
  const killed = new Set<ClusterProcess>();
  const client = (gateway: ClusterProcess) => new JobserverClient(gateway.url);
  const liveGateways = () => cluster.gateways.filter((g) => !killed.has(g));
  const api = () => client(liveGateways()[0]);

  /** The live scheduler that queued the claim of `context` (it waits for an idle worker). */
  const schedulerStarting = (context: string) =>
    eventually(async () => {
      for (const scheduler of cluster.schedulers.filter((s) => !killed.has(s))) {
        const log = readFileSync(path.join(cluster.logDir, `${scheduler.id}.log`), 'utf8');
        if (log.includes(`"context":"${context}","msg":"context waiting for an idle pool worker"`)) return scheduler;
      }
      return undefined;
    });

  beforeAll(async () => {
    cluster = await startTestCluster({ gateways: 2, schedulers: 2, workers: 3 });
    const bundle = path.join(mkdtempSync(path.join(os.tmpdir(), 'cluster-bundle-')), 'cluster-jobs.mjs');
    writeFileSync(bundle, RUN_RECORDING_BUNDLE);
    await client(cluster.gateways[0]).upload('cluster', bundle);
  });
  afterAll(async () => cluster?.stop());

  it('creates 3 contexts through both gateways, each on a different pool worker', async () => {
    const created = await Promise.all(
      CONTEXTS.map((name, i) => client(cluster.gateways[i % 2]).post(`/contexts/${name}`)),
    );
    expect(created.map((r) => r.status)).toEqual([200, 200, 200]);
    const rows = await cluster.query<{ name: string; pid: number }>(
      `SELECT name, pid FROM contexts WHERE state = 'RUNNING' ORDER BY name`,
    );
    expect(rows.map((r) => r.name)).toEqual(CONTEXTS);
    // Each pool worker the orchestrator started supervises the process that hosts its context.
    const workerPids = cluster.workers.map((w) => w.pid).sort();
    expect(rows.map((r) => parentPid(r.pid)).sort()).toEqual(workerPids);
  });

  it('runs every accepted job exactly once while a scheduler and a gateway are killed mid-run', async () => {
    const accepted: Accepted[] = [];
    let unanswered = 0;
    let kill: Promise<number> | undefined;

    /** Submits job n, like a client behind a load balancer: a request to a dead gateway is retried on another. */
    const submit = async (n: number): Promise<void> => {
      const sync = n % 2 === 0;
      for (let attempt = 0; ; attempt++) {
        const gateways = liveGateways();
        const gateway = gateways[(n + attempt) % gateways.length];
        const params = { appName: 'cluster', classPath: 'RecordRun', context: CONTEXTS[n % 3], ...(sync ? { sync } : {}) };
        const res = await client(gateway)
          .submit(params, { n, sleepMs: 300 })
          .catch(() => undefined);
        if (!res) {
          unanswered++;
          continue;
        }
        if (sync) expect(res.body, JSON.stringify(res.body)).toMatchObject({ status: 'OK', result: { n, square: n * n } });
        else expect(res.status, JSON.stringify(res.body)).toBe(202);
        accepted.push({ n, jobId: res.body.jobId, sync, via: gateway.id });
        if (accepted.length === KILL_AFTER) kill = killLeaderAndGateway();
        return;
      }
    };

    /** SIGKILLs the supervising scheduler and the first gateway; resolves with the supervision failover time. */
    const killLeaderAndGateway = async (): Promise<number> => {
      const leaderId = await cluster.redisGet('lease:supervisor');
      const leader = cluster.schedulers.find((s) => s.id === leaderId)!;
      const survivor = cluster.schedulers.find((s) => s !== leader)!;
      killed.add(leader).add(cluster.gateways[0]);
      const killedAt = Date.now();
      await Promise.all([cluster.kill(leader), cluster.kill(cluster.gateways[0])]);
      await eventually(async () => ((await cluster.redisGet('lease:supervisor')) === survivor.id ? true : undefined), 15_000);
      return Date.now() - killedAt;
    };

    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < JOBS) await submit(next++);
      }),
    );
    const failoverMs = await kill!;
    console.info(
      `cluster: ${accepted.length} jobs accepted (${unanswered} requests cut off by the gateway kill); ` +
        `supervision lease taken over ${failoverMs} ms after the supervising scheduler was killed`,
    );

    expect(accepted).toHaveLength(JOBS);
    expect(accepted.some((a) => a.via === 'gateway-1') && accepted.some((a) => a.via === 'gateway-2')).toBe(true);
    for (const job of accepted) {
      const report = await api().waitForJob(job.jobId, ['OK', 'ERROR', 'KILLED'], 30_000);
      expect(report, job.jobId).toMatchObject({ status: 'OK', result: { n: job.n, square: job.n * job.n } });
    }

    // Every job the gateways recorded ended FINISHED once; a request cut off before its job was
    // enqueued may leave a QUEUED row, never an accepted job. One cut off after its job was queued
    // (the client never heard its id, and retried elsewhere) runs like any: it is waited for.
    await eventually(async () => {
      const running = await cluster.query(`SELECT 1 FROM jobs WHERE class_path = 'RecordRun' AND status = 'RUNNING'`);
      return running.length === 0 ? true : undefined;
    }, 30_000);
    const rows = await cluster.query<{ id: string; status: string }>(`SELECT id, status FROM jobs WHERE class_path = 'RecordRun'`);
    const acceptedIds = new Set(accepted.map((a) => a.jobId));
    expect(rows.filter((r) => r.status !== 'FINISHED' && (acceptedIds.has(r.id) || r.status !== 'QUEUED'))).toEqual([]);
    const finished = rows.filter((r) => r.status === 'FINISHED').map((r) => r.id);

    const runs: string[] = [];
    for (const context of CONTEXTS) {
      const res = await api().submit({ appName: 'cluster', classPath: 'Runs', context, sync: true });
      expect(res.body.status).toBe('OK');
      runs.push(...(res.body.result as string[]));
    }
    expect([...runs].sort()).toEqual([...finished].sort());
    expect(new Set(runs).size).toBe(runs.length);
  });

  it('re-delivers the submit of a scheduler killed while it waited for a worker, and runs the job once', async () => {
    await cluster.startScheduler(); // the orchestrator replaces the scheduler killed above
    // Every worker hosts a context: the ad-hoc context of this job waits for an idle one.
    const submitted = api().submit({ appName: 'cluster', classPath: 'RecordRun' }, { n: 9, sleepMs: 0 });
    const context = await eventually(async () => {
      const [row] = await cluster.query<{ name: string }>(`SELECT name FROM contexts WHERE ad_hoc AND state = 'STARTED'`);
      return row?.name;
    });
    const starter = await schedulerStarting(context);
    killed.add(starter);
    const killedAt = Date.now();
    await cluster.kill(starter);
    const worker = await cluster.startWorker();
    const res = await submitted;
    expect(res.status).toBe(202);
    const report = await api().waitForJob(res.body.jobId, ['OK', 'ERROR', 'KILLED'], 30_000);
    console.info(`cluster: submit re-delivered and its job finished ${Date.now() - killedAt} ms after its scheduler was killed`);
    expect(report).toMatchObject({ status: 'OK', result: { n: 9, square: 81 }, context });
    expect(await worker.exited).toBe('exit code 0');
    const workerLog = readFileSync(path.join(cluster.logDir, `${worker.id}.log`), 'utf8');
    expect(workerLog.split(`"jobId":"${res.body.jobId}","status":"FINISHED"`)).toHaveLength(2);
    // The job waited in its context's queue and ran before the submit came back to a scheduler:
    // the re-delivered submit must not record a second life of the ad-hoc context for it.
    await eventually(async () => {
      const logs = cluster.schedulers.map((s) => readFileSync(path.join(cluster.logDir, `${s.id}.log`), 'utf8')).join('');
      return logs.includes('submit re-delivered after its job was taken') ? true : undefined;
    }, 15_000);
    const lives = await cluster.query<{ state: string }>(`SELECT state FROM contexts WHERE name = $1`, [context]);
    expect(lives).toEqual([{ state: 'FINISHED' }]);
  });

  it('re-delivers a context creation whose scheduler was killed while it waited for a worker', async () => {
    await cluster.startScheduler();
    const created = api().post('/contexts/c4');
    const starter = await schedulerStarting('c4');
    killed.add(starter);
    await cluster.kill(starter);
    const worker = await cluster.startWorker();
    expect((await created).body).toEqual({ status: 'SUCCESS', result: 'Context initialized' });
    const [row] = await cluster.query<{ pid: number }>(`SELECT pid FROM contexts WHERE name = 'c4' AND state = 'RUNNING'`);
    expect(parentPid(row.pid)).toBe(worker.pid);
  });

  it('keeps supervising after the failover: a killed worker ends its context and job ERROR', async () => {
    const res = await api().submit({ appName: 'cluster', classPath: 'Sleep', context: 'c3' }, { sleepMs: 60_000 });
    expect(res.status).toBe(202);
    await api().waitForJob(res.body.jobId, ['RUNNING']);
    const [{ pid }] = await cluster.query<{ pid: number }>(`SELECT pid FROM contexts WHERE name = 'c3' AND state = 'RUNNING'`);
    const worker = cluster.workers.find((w) => w.pid === parentPid(pid))!;
    const killedAt = Date.now();
    await cluster.kill(worker);
    const report = await api().waitForJob(res.body.jobId, ['OK', 'ERROR', 'KILLED'], 20_000);
    console.info(`cluster: pool worker kill -9 → job ERROR in ${Date.now() - killedAt} ms (heartbeat-timeout 5s)`);
    expect(report.status).toBe('ERROR');
    expect(report.result.message).toMatch(/context terminated unexpectedly/);
    expect((await api().contextNames()).sort()).toEqual(['c1', 'c2', 'c4']);
    expect(await worker.exited).toBe('SIGKILL');
  });

  it('scales out: a new worker runs an ad-hoc job, and the surviving scheduler stops its context', async () => {
    const worker = await cluster.startWorker();
    const res = await api().submit({ appName: 'cluster', classPath: 'RecordRun', sync: true }, { n: 7, sleepMs: 0 });
    expect(res.body).toMatchObject({ status: 'OK', result: { n: 7, square: 49, ppid: worker.pid } });
    expect(await worker.exited).toBe('exit code 0');
    const [context] = await cluster.query<{ state: string }>(
      `SELECT c.state FROM contexts c JOIN jobs j ON j.context_name = c.name WHERE j.id = $1`,
      [res.body.jobId],
    );
    expect(context).toEqual({ state: 'FINISHED' });
  });
});
