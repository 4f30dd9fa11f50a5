import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from './support/client';
import { startTestCluster, type TestCluster } from './support/cluster';
import { freePort, killChild, spawnApp, waitForHealth } from './support/processes';
import { eventually } from './support/server';
import { SseClient } from './support/sse';
import { startTcpProxy } from './support/tcp-proxy';

/** Jobs that report in two phases; the second waits for the file `config.gate` to exist. */
const EVENTS_BUNDLE = `
import { existsSync } from 'node:fs';
const gate = async (file, signal) => {
  while (file && !existsSync(file)) {
    if (signal.aborted) throw new Error('aborted');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
export const Phases = {
  async runJob(ctx, config) {
    ctx.stage('first');
    ctx.progress({ done: 1, total: 4, message: 'one of four' });
    ctx.log.info('first line', { n: 1 });
    await gate(config.gate, ctx.signal);
    ctx.stage('second');
    ctx.progress(0.75);
    ctx.log.warn('second line');
    return { ok: true };
  },
};
export const Quick = { runJob: () => 42 };
`;

describe('job event history and live streams across two gateways', () => {
  let cluster: TestCluster;
  let dir: string;
  let a: JobserverClient;
  let b: JobserverClient;
  const gateFile = (name: string) => path.join(dir, name);

  const submitPhases = async (gate: string) => {
    const answer = await a.submit({ appName: 'events', classPath: 'Phases', context: 'ctx' }, { gate });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return answer.body.jobId as string;
  };

  beforeAll(async () => {
    cluster = await startTestCluster(
      { gateways: 2, schedulers: 1, workers: 1 },
      { LOG_LEVEL: 'debug', JOBSERVER_EVENT_STREAM_KEEPALIVE: '200ms' },
    );
    [a, b] = cluster.gateways.map((g) => new JobserverClient(g.url));
    dir = mkdtempSync(path.join(os.tmpdir(), 'events-e2e-'));
    const bundle = path.join(dir, 'events.mjs');
    writeFileSync(bundle, EVENTS_BUNDLE);
    await a.upload('events', bundle);
    expect((await a.post('/contexts/ctx')).status).toBe(200);
  });
  afterAll(async () => cluster?.stop());

  it('replays a running job on one gateway, then resumes with Last-Event-ID on the other, missing nothing', async () => {
    const gate = gateFile('resume');
    const jobId = await submitPhases(gate);
    const first = await SseClient.open(`${cluster.gateways[0]!.url}/jobs/${jobId}/events`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
    await first.until((c) => c.events.some((e) => e.event === 'log'));
    const lastId = first.events.at(-1)!.id!;
    first.close();

    const second = await SseClient.open(`${cluster.gateways[1]!.url}/jobs/${jobId}/events`, { 'last-event-id': lastId });
    expect(second.status).toBe(200);
    // Written only once the second stream is open: what follows reaches it live.
    writeFileSync(gate, '');
    await second.ended;

    const all = [...first.events, ...second.events];
    expect(all.map((e) => Number(e.id))).toEqual(all.map((_, i) => i + 1));
    expect(all.map((e) => e.event)).toEqual(['queued', 'running', 'stage', 'progress', 'log', 'stage', 'progress', 'log', 'finished']);
    const data = all.map((e) => JSON.parse(e.data));
    expect(data[2]).toMatchObject({ seq: 3, type: 'stage', name: 'first' });
    expect(data[3]).toMatchObject({ type: 'progress', fraction: 0.25, done: 1, total: 4, message: 'one of four' });
    expect(data[4]).toMatchObject({ type: 'log', line: 0, level: 'INFO', message: 'first line', fields: { n: 1 } });
    expect(data[8]).toMatchObject({ type: 'finished', jobId, status: 'OK', result: { ok: true }, progress: { fraction: 1 } });
    // The JSON history on either gateway is the same list.
    const history = await b.get(`/jobs/${jobId}/events`);
    expect(history.body).toEqual(data);
    expect((await a.get(`/jobs/${jobId}/events?after=7`)).body.map((e: { seq: number }) => e.seq)).toEqual([8, 9]);
  });

  it('reports progress, stages and logs of a job', async () => {
    const gate = gateFile('report');
    const jobId = await submitPhases(gate);
    const running = await eventually(async () => {
      const { body } = await b.get(`/jobs/${jobId}`);
      return body.stages?.length === 1 && body.progress ? body : undefined;
    });
    expect(running.progress).toEqual({ fraction: 0.25, done: 1, total: 4, message: 'one of four' });
    expect(running.stages).toEqual([{ name: 'first', startTime: expect.any(String), duration: 'Job not done yet' }]);
    writeFileSync(gate, '');
    const ended = await b.waitForJob(jobId);
    expect(ended.progress).toEqual({ fraction: 1 });
    expect(ended.stages.map((s: { name: string; duration: string }) => [s.name, /^\d+(\.\d+)? secs$/.test(s.duration)])).toEqual([
      ['first', true],
      ['second', true],
    ]);
    const logs = await a.get(`/jobs/${jobId}/logs`);
    expect(logs.body).toMatchObject({ jobId, from: 0, total: 2 });
    expect(logs.body.log[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO first line \{"n":1\}$/);
    expect(logs.body.log[1]).toMatch(/Z WARN second line$/);
    expect((await a.get(`/jobs/${jobId}/logs?size=1`)).body).toMatchObject({ from: 1, total: 2, log: [logs.body.log[1]] });
    expect((await a.get(`/jobs/${jobId}/logs?from=1&size=5`)).body.log).toEqual([logs.body.log[1]]);
    for (const bad of ['from=-1', 'size=x', 'size=10001', 'from=1.5']) {
      const answer = await a.get(`/jobs/${jobId}/logs?${bad}`);
      expect(answer.status, bad).toBe(400);
      expect(answer.body.status).toBe('ERROR');
    }
  });

  it('replays an ended job and closes at once; refuses bad positions and unknown jobs before any stream', async () => {
    const { body } = await a.submit({ appName: 'events', classPath: 'Quick', context: 'ctx', sync: true });
    const jobId = body.jobId as string;
    const ended = await SseClient.open(`${cluster.gateways[1]!.url}/jobs/${jobId}/events`);
    await ended.ended;
    expect(ended.events.map((e) => e.event)).toEqual(['queued', 'running', 'finished']);
    expect(JSON.parse(ended.events[2]!.data)).toMatchObject({ jobId, status: 'OK', result: 42 });

    const beyond = await SseClient.open(`${cluster.gateways[0]!.url}/jobs/${jobId}/events`, { 'last-event-id': '3' });
    await beyond.ended;
    expect(beyond.events).toEqual([]);
    expect((await a.get(`/jobs/${jobId}/events?after=3`)).body).toEqual([]);

    for (const id of ['0b5c1b9e-0000-4000-8000-000000000000', 'not-a-job']) {
      const unknown = await SseClient.open(`${cluster.gateways[0]!.url}/jobs/${id}/events`);
      await unknown.ended;
      expect(unknown.status).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(unknown.text)).toEqual({ status: 'ERROR', result: `No such job ID ${id}` });
    }
    for (const lastEventId of ['abc', '-1', '1e3']) {
      const bad = await SseClient.open(`${cluster.gateways[0]!.url}/jobs/${jobId}/events`, { 'last-event-id': lastEventId });
      await bad.ended;
      expect(bad.status, lastEventId).toBe(400);
      expect(JSON.parse(bad.text).result).toMatch(/Last-Event-ID must be a non-negative integer/);
    }
    for (const after of ['-1', 'x', '']) {
      const answer = await a.get(`/jobs/${jobId}/events?after=${after}`);
      expect(answer.status, after).toBe(400);
      expect(answer.body.result).toMatch(/after must be a non-negative integer/);
    }
    expect((await a.get(`/jobs/not-a-job/logs`)).status).toBe(404);
  });

  it('keeps a stream from the future open with comment lines, sending nothing, and closes it when the job ends', async () => {
    const gate = gateFile('future');
    const jobId = await submitPhases(gate);
    const future = await SseClient.open(`${cluster.gateways[1]!.url}/jobs/${jobId}/events`, { 'last-event-id': '1000' });
    expect(future.status).toBe(200);
    await future.until((c) => c.comments >= 2);
    // HEAD answers the stream's head and ends, for a running job and for the firehose alike.
    for (const route of [`/jobs/${jobId}/events`, '/events']) {
      const head = await SseClient.open(`${cluster.gateways[0]!.url}${route}`, {}, 'HEAD');
      await head.ended;
      expect([head.status, head.headers['content-type']]).toEqual([200, 'text/event-stream; charset=utf-8']);
    }
    writeFileSync(gate, '');
    await future.ended;
    expect(future.events).toEqual([]);
  });

  it("catches up from Postgres what a gateway's cut subscriber missed, before Redis is back", async () => {
    // A third gateway reaches Redis through a proxy of its own: the cut hits it alone.
    const proxy = await startTcpProxy(Number(new URL(cluster.redisUrl).port || 6379));
    const port = await freePort();
    const redisUrl = new URL(cluster.redisUrl);
    redisUrl.port = String(proxy.port);
    const env = {
      ...process.env,
      DATABASE_URL: cluster.databaseUrl,
      REDIS_URL: redisUrl.toString(),
      JOBSERVER_PREFIX: cluster.prefix,
      JOBSERVER_HOST: '127.0.0.1',
      PORT: String(port),
      JOBSERVER_INSTANCE_ID: 'gateway-cut',
      JOBSERVER_EVENT_STREAM_KEEPALIVE: '200ms',
    };
    const child = spawnApp('gateway', env, path.join(cluster.logDir, 'gateway-cut.log'));
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, child);
      const gate = gateFile('cut');
      const jobId = await submitPhases(gate);
      const client = await SseClient.open(`http://127.0.0.1:${port}/jobs/${jobId}/events`);
      await client.until((c) => c.events.some((e) => e.event === 'log'));
      await proxy.cut();
      writeFileSync(gate, '');
      await client.ended;
      expect(client.events.map((e) => Number(e.id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(client.events.at(-1)!.event).toBe('finished');
    } finally {
      await killChild(child);
      await proxy.close();
    }
  });

  it('frees every listener and timer of 500 streams that connect and drop', async () => {
    const gate = gateFile('drops');
    const jobId = await submitPhases(gate);
    const log = path.join(cluster.logDir, `${cluster.gateways[0]!.id}.log`);
    const closedLines = () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line.includes('"msg":"event stream closed"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const stats = (line: Record<string, unknown>) => ({
      streams: line.streams,
      jobListeners: line.jobListeners,
      firehoseListeners: line.firehoseListeners,
    });
    const before = closedLines().length;
    const probe = await SseClient.open(`${cluster.gateways[0]!.url}/jobs/${jobId}/events`);
    await probe.until((c) => c.events.length > 0);
    probe.close();
    const baseline = stats(await eventually(async () => closedLines()[before]));
    expect(baseline).toEqual({ streams: 0, jobListeners: 0, firehoseListeners: 0 });

    for (let i = 0; i < 500; i++) {
      const client = await SseClient.open(`${cluster.gateways[0]!.url}/jobs/${jobId}/events${i % 2 ? '' : '?after=1'}`);
      expect(client.status).toBe(200);
      if (i % 5 === 0) await client.until((c) => c.events.length > 0);
      client.close();
    }
    const last = await eventually(async () => {
      const lines = closedLines();
      return lines.length >= before + 501 ? lines.at(-1) : undefined;
    });
    expect(stats(last)).toEqual(baseline);
    writeFileSync(gate, '');
    expect((await a.waitForJob(jobId)).status).toBe('OK');
  });

  it('serves the firehose on any gateway: job and context state changes, filtered; JSON-only clients get 406', async () => {
    const all = await SseClient.open(`${cluster.gateways[1]!.url}/events`);
    const ofApp = await SseClient.open(`${cluster.gateways[0]!.url}/events?appName=events`);
    const ofOther = await SseClient.open(`${cluster.gateways[0]!.url}/events?context=other`);
    expect([all.status, ofApp.status, ofOther.status]).toEqual([200, 200, 200]);
    const { body } = await a.submit({ appName: 'events', classPath: 'Quick', context: 'ctx', sync: true });
    const finished = { jobId: body.jobId, status: 'FINISHED', context: 'ctx', appName: 'events', classPath: 'Quick' };
    for (const client of [all, ofApp]) {
      await client.until((c) => c.json().some((d) => d.status === 'FINISHED' && d.jobId === body.jobId));
      expect(client.events.every((e) => e.event === 'job')).toBe(true);
      expect(client.json().find((d) => d.status === 'FINISHED')).toEqual(finished);
    }
    // A sync job and a batch job that run for a while show RUNNING too (no request waits for their start).
    const gate = gateFile('firehose');
    const sync = a.submit({ appName: 'events', classPath: 'Phases', context: 'ctx', sync: true }, { gate });
    const batch = await a.post('/jobs/batch?appName=events&classPath=Phases&context=ctx', JSON.stringify([{ gate }]));
    expect(batch.status, JSON.stringify(batch.body)).toBe(202);
    await all.until((c) => c.json().filter((d) => d.status === 'RUNNING' && d.classPath === 'Phases').length === 2);
    writeFileSync(gate, '');
    expect((await sync).status).toBe(200);
    await all.until((c) => c.json().filter((d) => d.status === 'FINISHED' && d.classPath === 'Phases').length === 2);
    const phases = all.json().filter((d) => d.classPath === 'Phases');
    for (const jobId of new Set(phases.map((d) => d.jobId))) {
      expect(phases.filter((d) => d.jobId === jobId).map((d) => d.status)).toEqual(['QUEUED', 'RUNNING', 'FINISHED']);
    }
    expect((await a.delete('/contexts/ctx')).status).toBe(200);
    await all.until((c) => c.events.some((e) => e.event === 'context' && JSON.parse(e.data).state === 'FINISHED'));
    expect(all.json().filter((d) => d.name === 'ctx').slice(-2)).toEqual([{ name: 'ctx', state: 'STOPPING' }, { name: 'ctx', state: 'FINISHED' }]);
    await ofOther.until((c) => c.comments >= 2);
    expect(ofOther.events).toEqual([]);
    expect(ofApp.events.some((e) => e.event === 'context')).toBe(false);
    for (const client of [all, ofApp, ofOther]) client.close();

    for (const accept of ['*/*', 'text/*', 'application/json, text/event-stream']) {
      const served = await SseClient.open(`${cluster.gateways[1]!.url}/events`, { accept });
      expect(served.status, accept).toBe(200);
      served.close();
    }
    const refused = await fetch(`${cluster.gateways[0]!.url}/events`, { headers: { accept: 'application/json' } });
    expect(refused.status).toBe(406);
    expect(await refused.json()).toEqual({ status: 'ERROR', result: 'GET /events answers only text/event-stream (Server-Sent Events)' });
  });
});
