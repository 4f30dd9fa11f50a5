import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest, type Rest } from '../apps/gateway/test/rest';
import { eventually, startTestServer, type TestServer } from './support/server';

/**
 * API.md's "Job progress, stages and logs" and "Completion callbacks" (bad URLs) read as a user
 * would: only REST and Server-Sent Events over real sockets, a bundle written here.
 */
const BUNDLE = `
export const Reporter = {
  async runJob(ctx) {
    ctx.stage('load');
    ctx.progress(0.25);
    ctx.log.info('hello', { a: 1 });
    ctx.stage('compute');
    ctx.progress({ done: 3, total: 4, message: 'almost' });
    ctx.log.warn('careful');
    return 42;
  },
};
export const BadValues = {
  runJob(ctx) {
    for (const v of [NaN, -1, 2, 'x', { done: 'a' }, null, undefined, {}, { done: 1, total: 0 }]) ctx.progress(v);
    ctx.stage('s'.repeat(10000));
    ctx.log.info('x'.repeat(100000));
    return 'ok';
  },
};
export const Gate = {
  async runJob(ctx, config) {
    ctx.progress(0.5);
    const until = Date.now() + (config.ms ?? 60000);
    while (Date.now() < until && !ctx.signal.aborted) await new Promise((r) => setTimeout(r, 20));
    ctx.stage('tail');
    return 'done';
  },
};
`;

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** A raw SSE client: collects events until the server closes the stream (or `close` is called). */
function sse(url: string, headers: Record<string, string> = {}) {
  const events: SseEvent[] = [];
  let status = 0;
  let contentType = '';
  let req: http.ClientRequest;
  const ended = new Promise<void>((resolve, reject) => {
    req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type'] ?? '');
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || !line) continue;
            const at = line.indexOf(':');
            const field = line.slice(0, at);
            const value = line.slice(at + 1).replace(/^ /, '');
            if (field === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
            else if (field === 'id' || field === 'event') event[field] = value;
          }
          if (event.data !== undefined || event.event) events.push(event);
        }
      });
      res.on('end', () => resolve());
      res.on('close', () => resolve());
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  return {
    events,
    ended,
    get status() {
      return status;
    },
    get contentType() {
      return contentType;
    },
    close: () => {
      ended.catch(() => undefined); // a stream closed here ends with 'aborted'
      req.destroy();
    },
  };
}

describe('job progress, stages, logs and events (API.md, black box)', () => {
  let server: TestServer;
  let api: Rest;
  let reporterId: string;

  beforeAll(async () => {
    server = await startTestServer();
    api = rest(server.url);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'events-contract-'));
    writeFileSync(path.join(dir, 'bundle.mjs'), BUNDLE);
    const { readFileSync } = await import('node:fs');
    expect((await api.post('/binaries/ev', readFileSync(path.join(dir, 'bundle.mjs')))).status).toBe(201);
    expect((await api.post('/contexts/ev')).status).toBe(200);
    const res = await api.post('/jobs?appName=ev&classPath=Reporter&context=ev&sync=true');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.result).toBe(42);
    reporterId = res.body.jobId;
  });
  afterAll(async () => server?.stop());

  it('reports the stages and a finished fraction of 1', async () => {
    const report = (await api.get(`/jobs/${reporterId}`)).body;
    expect(report.progress.fraction).toBe(1);
    expect(report.stages.map((s: { name: string }) => s.name)).toEqual(['load', 'compute']);
    for (const stage of report.stages) {
      expect(Number.isNaN(Date.parse(stage.startTime))).toBe(false);
      expect(stage.duration).toMatch(/^\d+(\.\d{1,3})? secs$/);
    }
  });

  it('keeps the log lines in Livy shape', async () => {
    const res = await api.get(`/jobs/${reporterId}/logs`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ jobId: reporterId, total: 2 });
    expect(res.body.log).toHaveLength(2);
    expect(res.body.log[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ INFO hello {"a":1}$/);
    expect(res.body.log[1]).toMatch(/^\S+ WARN careful$/);
    const second = await api.get(`/jobs/${reporterId}/logs?from=1&size=5`);
    expect(second.body).toMatchObject({ from: 1, total: 2 });
    expect(second.body.log).toHaveLength(1);
  });

  it('lists the events in order, gap-free, terminal last', async () => {
    const events = (await api.get(`/jobs/${reporterId}/events`)).body;
    expect(events.map((e: { seq: number }) => e.seq)).toEqual(events.map((_: unknown, i: number) => i + 1));
    const types = events.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('queued');
    expect(types[1]).toBe('running');
    expect(types.at(-1)).toBe('finished');
    expect(types.filter((t: string) => t === 'stage')).toHaveLength(2);
    expect(types.filter((t: string) => t === 'log')).toHaveLength(2);
    expect(types).toContain('progress');
    const after = (await api.get(`/jobs/${reporterId}/events?after=2`)).body;
    expect(after[0].seq).toBe(3);
    expect(after).toHaveLength(events.length - 2);
  });

  it('answers 400 for bad after values and 404 for unknown jobs', async () => {
    for (const after of ['-1', 'abc', '1.5']) {
      expect((await api.get(`/jobs/${reporterId}/events?after=${after}`)).status).toBe(400);
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await api.get(`/jobs/${unknown}/events`)).status).toBe(404);
    expect((await api.get(`/jobs/${unknown}/logs`)).status).toBe(404);
    const stream = sse(`${server.url}/jobs/${unknown}/events`);
    await stream.ended;
    expect(stream.status).toBe(404);
    expect(stream.contentType).toContain('application/json');
  });

  it('bounds bad progress values, long stage names and long log lines', async () => {
    const res = await api.post('/jobs?appName=ev&classPath=BadValues&context=ev&sync=true');
    expect(res.body.result).toBe('ok');
    const events = (await api.get(`/jobs/${res.body.jobId}/events`)).body;
    for (const e of events.filter((x: { type: string }) => x.type === 'progress')) {
      expect(e.fraction).toBeGreaterThanOrEqual(0);
      expect(e.fraction).toBeLessThanOrEqual(1);
    }
    const stage = (await api.get(`/jobs/${res.body.jobId}`)).body.stages[0];
    expect(stage.name.length).toBeLessThan(10000);
    const log = (await api.get(`/jobs/${res.body.jobId}/logs`)).body.log[0];
    expect(log.length).toBeLessThanOrEqual(9 * 1024);
  });

  it('replays an ended job as SSE after Last-Event-ID and closes', async () => {
    const all = sse(`${server.url}/jobs/${reporterId}/events`);
    await all.ended;
    expect(all.status).toBe(200);
    expect(all.contentType).toContain('text/event-stream');
    expect(all.events[0]).toMatchObject({ id: '1', event: 'queued' });
    expect(all.events.at(-1)?.event).toBe('finished');
    const rest2 = sse(`${server.url}/jobs/${reporterId}/events`, { 'last-event-id': '2' });
    await rest2.ended;
    expect(rest2.events[0].id).toBe('3');
    expect(rest2.events).toHaveLength(all.events.length - 2);
    const bad = sse(`${server.url}/jobs/${reporterId}/events`, { 'last-event-id': 'x' });
    await bad.ended;
    expect(bad.status).toBe(400);
  });

  it('streams a running job live and closes after its end; the firehose sees it', async () => {
    const firehose = sse(`${server.url}/events?appName=ev`);
    await eventually(async () => (firehose.status === 200 ? true : undefined));
    const res = await api.post('/jobs?appName=ev&classPath=Gate&context=ev', 'ms = 1500');
    expect(res.status).toBe(202);
    const jobId = res.body.jobId;
    const live = sse(`${server.url}/jobs/${jobId}/events`);
    await live.ended;
    const types = live.events.map((e) => e.event);
    expect(types.slice(0, 2)).toEqual(['queued', 'running']);
    expect(types).toContain('progress');
    expect(types).toContain('stage');
    expect(types.at(-1)).toBe('finished');
    expect(live.events.map((e) => Number(e.id))).toEqual(live.events.map((_, i) => i + 1));
    const terminal = JSON.parse(live.events.at(-1)!.data!);
    expect(terminal.jobId ?? terminal.report?.jobId).toBe(jobId);
    const seen = await eventually(async () => {
      const mine = firehose.events.filter((e) => e.event === 'job' && JSON.parse(e.data!).jobId === jobId);
      return mine.some((e) => ['FINISHED', 'OK'].includes(JSON.parse(e.data!).status)) ? mine : undefined;
    });
    expect(JSON.parse(seen[0].data!)).toMatchObject({ jobId, context: 'ev', appName: 'ev', classPath: 'Gate' });
    firehose.close();
  });

  it('refuses callbackUrl values that are not absolute http(s) URLs, recording nothing', async () => {
    const before = (await api.get('/jobs?limit=1000')).body.length;
    for (const url of ['ftp://x', 'javascript:alert(1)', 'http://', `http://x/${'a'.repeat(10_000)}`, 'relative/path']) {
      const res = await api.post(`/jobs?appName=ev&classPath=Reporter&context=ev&callbackUrl=${encodeURIComponent(url)}`);
      expect(res.status, url).toBe(400);
      expect(res.body.status).toBe('ERROR');
    }
    expect((await api.get('/jobs?limit=1000')).body.length).toBe(before);
  });
});
