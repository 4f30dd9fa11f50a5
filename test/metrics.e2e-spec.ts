import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest, type Rest } from '../apps/gateway/test/rest';
import { CallbackReceiver } from './support/callback-receiver';
import { parseExposition, type Exposition } from './support/prometheus';
import { eventually, startTestServer, type TestServer } from './support/server';

/** API.md "Metrics" read as Prometheus would: the exposition parsed, never grepped. */
const BUNDLE = `
export const Ok = { runJob: () => 1 };
export const Boom = { runJob() { throw new Error('boom'); } };
export const Hog = { runJob() { const hoard = []; for (;;) hoard.push(new Array(100000).fill({ x: Math.random() })); } };
export const Slow = { async runJob(ctx) { while (!ctx.signal.aborted) await new Promise((r) => setTimeout(r, 20)); } };
`;

async function scrape(url: string): Promise<Exposition> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

describe('GET /metrics: cluster-wide job, context and process metrics', () => {
  let server: TestServer;
  let api: Rest;
  const receiver = new CallbackReceiver();

  beforeAll(async () => {
    await receiver.start();
    server = await startTestServer({
      JOBSERVER_CALLBACK_ATTEMPTS: '2',
      JOBSERVER_CALLBACK_RETRY_DELAY: '200ms',
    });
    api = rest(server.url);
    expect((await api.post('/binaries/met', Buffer.from(BUNDLE))).status).toBe(201);
    expect((await api.post('/contexts/met')).status).toBe(200);
  });
  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
  });

  it('starts with zeroed series of every status and the live app', async () => {
    const m = await scrape(server.url);
    expect(m.types.get('jobserver_jobs_submitted_total')).toBe('counter');
    expect(m.types.get('jobserver_job_duration_seconds')).toBe('histogram');
    expect(m.value('jobserver_jobs_submitted_total', { app: 'met' })).toBe(0);
    for (const status of ['FINISHED', 'ERROR', 'KILLED'])
      expect(m.value('jobserver_jobs_ended_total', { status })).toBe(0);
    expect(m.value('jobserver_contexts', { state: 'RUNNING' })).toBe(1);
    expect(m.value('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('moves the counters, histograms and gauges as jobs run', async () => {
    expect((await api.post('/jobs?appName=met&classPath=Ok&context=met&sync=true')).status).toBe(
      200,
    );
    expect((await api.post('/jobs?appName=met&classPath=Ok&context=met&sync=true')).status).toBe(
      200,
    );
    expect(
      (await api.post('/jobs?appName=met&classPath=Boom&context=met&sync=true')).body.status,
    ).toBe('ERROR');
    const slow = await api.post('/jobs?appName=met&classPath=Slow&context=met');
    expect(slow.status).toBe(202);
    const running = await eventually(async () => {
      const m = await scrape(server.url);
      return m.value('jobserver_jobs', { status: 'RUNNING' }) === 1 ? m : undefined;
    });
    expect(running.value('jobserver_jobs_submitted_total', { app: 'met' })).toBe(4);
    expect(running.value('jobserver_jobs_ended_total', { status: 'FINISHED' })).toBe(2);
    expect(running.value('jobserver_jobs_ended_total', { status: 'ERROR' })).toBe(1);
    expect(running.value('jobserver_job_duration_seconds_count')).toBe(3);
    expect(running.value('jobserver_job_duration_seconds_bucket', { le: '+Inf' })).toBe(3);
    expect(running.value('jobserver_job_queue_wait_seconds_count')).toBe(3);
    expect(running.value('jobserver_job_duration_seconds_sum')).toBeGreaterThanOrEqual(0);

    expect((await api.delete(`/jobs/${slow.body.jobId}`)).status).toBe(200);
    const killed = await eventually(async () => {
      const m = await scrape(server.url);
      return m.value('jobserver_jobs_ended_total', { status: 'KILLED' }) === 1 ? m : undefined;
    });
    expect(killed.value('jobserver_job_duration_seconds_count')).toBe(4);
    await eventually(async () =>
      (await scrape(server.url)).value('jobserver_jobs', { status: 'RUNNING' }) === 0
        ? true
        : undefined,
    );
  });

  it('labels HTTP durations with the route pattern, never the raw URL', async () => {
    const m = await scrape(server.url);
    const routes = new Set(
      m.samples
        .filter((s) => s.name === 'jobserver_http_request_duration_seconds_count')
        .map((s) => s.labels.route),
    );
    expect(routes).toContain('/jobs/:id');
    for (const route of routes) expect(route).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    expect(
      m.value('jobserver_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/jobs',
        code: '200',
      }),
    ).toBe(3);
  });

  it('keeps the cluster counters across a gateway restart (they live in Redis, not in its memory)', async () => {
    await server.kill('gateway');
    await server.start('gateway');
    const m = await scrape(server.url);
    expect(m.value('jobserver_jobs_submitted_total', { app: 'met' })).toBe(4);
    expect(m.value('jobserver_jobs_ended_total', { status: 'FINISHED' })).toBe(2);
  });

  it('labels only the apps stored now', async () => {
    expect((await api.post('/binaries/gone', Buffer.from(BUNDLE))).status).toBe(201);
    await eventually(async () =>
      (await scrape(server.url)).value('jobserver_jobs_submitted_total', { app: 'gone' }) === 0
        ? true
        : undefined,
    );
    expect((await api.delete('/binaries/gone')).status).toBe(200);
    await eventually(async () =>
      (await scrape(server.url)).value('jobserver_jobs_submitted_total', { app: 'gone' }) ===
      undefined
        ? true
        : undefined,
    );
  });

  it('reports the memory of live contexts only, from their heartbeats', async () => {
    const m = await eventually(async () => {
      const scraped = await scrape(server.url);
      return (scraped.value('jobserver_context_memory_bytes', { context: 'met', kind: 'heap' }) ??
        0) > 0
        ? scraped
        : undefined;
    });
    expect(
      m.value('jobserver_context_memory_bytes', { context: 'met', kind: 'rss' }),
    ).toBeGreaterThan(10_000_000);
    expect((await api.delete('/contexts/met')).status).toBe(200);
    await eventually(async () => {
      const scraped = await scrape(server.url);
      return scraped.samples.some((s) => s.name === 'jobserver_context_memory_bytes')
        ? undefined
        : true;
    });
  });

  it('counts an executor thread replaced after it died', async () => {
    expect((await api.post('/binaries/hog', Buffer.from(BUNDLE))).status).toBe(201);
    expect((await api.post('/contexts/capped?mem-per-node=64m')).status).toBe(200);
    const before = (await scrape(server.url)).value('jobserver_executor_restarts_total');
    expect(before).toBe(0);
    const hog = await api.post('/jobs?appName=hog&classPath=Hog&context=capped&sync=true');
    expect(hog.body.status).toBe('ERROR');
    await eventually(async () =>
      (await scrape(server.url)).value('jobserver_executor_restarts_total') === 1
        ? true
        : undefined,
    );
  });

  it('counts callback delivery attempts by outcome', async () => {
    expect((await api.post('/contexts/cb')).status).toBe(200);
    receiver.answers.set('/down', 500);
    const hooks = ['/up', '/down'].map((hook) => encodeURIComponent(`${receiver.url}${hook}`));
    for (const hook of hooks)
      expect(
        (await api.post(`/jobs?appName=hog&classPath=Ok&context=cb&sync=true&callbackUrl=${hook}`))
          .status,
      ).toBe(200);
    const m = await eventually(async () => {
      const scraped = await scrape(server.url);
      return scraped.value('jobserver_callback_deliveries_total', { outcome: 'failed' }) === 1
        ? scraped
        : undefined;
    });
    expect(m.value('jobserver_callback_deliveries_total', { outcome: 'delivered' })).toBe(1);
    expect(m.value('jobserver_callback_deliveries_total', { outcome: 'retry' })).toBe(1);
  });
});
