import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from './support/client';
import { startTestCluster, type TestCluster } from './support/cluster';
import { eventually } from './support/server';

const PERIOD_MS = 2000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A schedule ticks exactly once per period with two schedulers running, and on when one is killed (issue 16). */
describe('a schedule with two schedulers, one of them killed', () => {
  let cluster: TestCluster;
  let api: JobserverClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ gateways: 1, schedulers: 2, workers: 1 });
    api = new JobserverClient(cluster.gateways[0]!.url);
    await api.upload('demo');
    expect((await api.post('/contexts/ticks')).status).toBe(200);
  });
  afterAll(async () => cluster?.stop());

  it('submits one job per tick, before and after the kill, none twice and none skipped', async () => {
    const created = await api.post('/schedules/both', {
      appName: 'demo', classPath: 'WordCountExample', context: 'ticks', every: `${PERIOD_MS / 1000}s`, config: { input: { string: 'x y x' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await sleep(3 * PERIOD_MS);
    await cluster.kill(cluster.schedulers[0]!);
    await sleep(4 * PERIOD_MS);
    expect((await api.post('/schedules/both/pause')).status).toBe(200);

    const runs = await cluster.query<{ tick: Date; job_id: string | null; error: string | null }>(
      `SELECT r.tick_at AS tick, r.job_id, r.error FROM schedule_runs r JOIN schedules s ON s.id = r.schedule_id
       WHERE s.name = 'both' ORDER BY r.tick_at`,
    );
    expect(runs.length, JSON.stringify(runs)).toBeGreaterThanOrEqual(6);
    const ticks = runs.map((r) => r.tick.getTime());
    expect(ticks[0]).toBe(Date.parse(created.body.nextRunAt));
    expect(ticks.slice(1).map((t, i) => t - ticks[i]!)).toEqual(ticks.slice(1).map(() => PERIOD_MS));
    expect(runs.every((r) => r.job_id !== null && r.error === null)).toBe(true);

    // Every job the schedule's ticks made is one of those runs (no tick made two), and each ran once.
    const jobs = await cluster.query<{ id: string }>(`SELECT id FROM jobs WHERE context_name = 'ticks'`);
    expect(jobs.map((j) => j.id).sort()).toEqual(runs.map((r) => r.job_id).sort());
    for (const run of runs) {
      const job = await api.waitForJob(run.job_id!);
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'OK', result: { x: 2, y: 1 } });
    }
    const shown = await eventually(async () => {
      const body = (await api.get('/schedules/both')).body;
      return body.lastJobs.every((j: { status: string }) => j.status === 'FINISHED' || j.status === 'OK') ? body : undefined;
    });
    expect(shown.paused).toBe(true);
  });
});
