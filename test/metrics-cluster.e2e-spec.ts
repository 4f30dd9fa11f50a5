import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from './support/client';
import { startTestCluster, type TestCluster } from './support/cluster';
import { parseExposition, type Exposition } from './support/prometheus';
import { eventually } from './support/server';

/** API.md "Metrics": "cluster-wide from any gateway", read from two gateways of one cluster. */
const BUNDLE = `
export const Ok = { runJob: () => 1 };
export const Boom = { runJob() { throw new Error('boom'); } };
`;

async function scrape(url: string): Promise<Exposition> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

/** The cluster-wide series of one scrape (process and HTTP series are per process by nature). */
const clusterView = (m: Exposition) => ({
  submitted: m.value('jobserver_jobs_submitted_total', { app: 'twogw' }),
  finished: m.value('jobserver_jobs_ended_total', { status: 'FINISHED' }),
  failed: m.value('jobserver_jobs_ended_total', { status: 'ERROR' }),
  durations: m.value('jobserver_job_duration_seconds_count'),
  contexts: m.value('jobserver_contexts', { state: 'RUNNING' }),
});

describe('GET /metrics answers for the whole cluster from any gateway', () => {
  let cluster: TestCluster;
  let a: JobserverClient;
  let b: JobserverClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ gateways: 2, schedulers: 1, workers: 1 });
    [a, b] = cluster.gateways.map((g) => new JobserverClient(g.url));
    const upload = await fetch(`${a.url}/binaries/twogw`, { method: 'POST', body: Buffer.from(BUNDLE) });
    expect(upload.status).toBe(201);
    expect((await b.post('/contexts/twogw')).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('shows the same job counters and gauges on both gateways, whichever gateway took the jobs', async () => {
    const run = (via: JobserverClient, classPath: string) =>
      via.submit({ appName: 'twogw', classPath, context: 'twogw', sync: true });
    for (const answer of await Promise.all([run(a, 'Ok'), run(a, 'Ok'), run(a, 'Ok'), run(b, 'Ok'), run(b, 'Boom')]))
      expect(answer.status).toBe(200);
    const expected = { submitted: 5, finished: 4, failed: 1, durations: 5, contexts: 1 };
    // Gauges are cached up to 2 s per gateway; the counters are shared at once.
    const [fromA, fromB] = await eventually(async () => {
      const views = [clusterView(await scrape(a.url)), clusterView(await scrape(b.url))];
      return views.every((v) => JSON.stringify(v) === JSON.stringify(expected)) ? views : undefined;
    }, 10_000).catch(async () => [clusterView(await scrape(a.url)), clusterView(await scrape(b.url))]);
    expect(fromA).toEqual(expected);
    expect(fromB).toEqual(expected);
  });
});
