import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

/**
 * ctx.progress / ctx.stage / ctx.log over real processes (gateway, scheduler, context worker):
 * a job that reports 1000 progress steps, three stages and 100 000 lines keeps a bounded number
 * of rows, its row holds the latest progress and every stage, and its end is the last event on
 * Redis, after every detail message, with gap-free seqs.
 */
describe('job reports over real processes', () => {
  let server: TestServer;
  let api: JobserverClient;
  let subscriber: Redis;
  /** Every message on the event and detail channels, in arrival order. */
  const heard: Array<{ channel: string; message: Record<string, unknown> }> = [];

  beforeAll(async () => {
    server = await startTestServer();
    api = new JobserverClient(server.url);
    await api.upload('demo');
    expect((await api.post('/contexts/reports')).status).toBe(200);
    subscriber = new Redis(server.redisUrl);
    subscriber.on('message', (channel: string, raw: string) => heard.push({ channel, message: JSON.parse(raw) }));
    await subscriber.subscribe(`${server.prefix}:events`, `${server.prefix}:job-details`);
  });
  afterAll(async () => {
    subscriber?.disconnect();
    await server?.stop();
  });

  it('keeps the newest 10 000 of 100 000 lines, the latest of 1000 progress steps, every stage, and ends last', async () => {
    const started = Date.now();
    const res = await api.post(
      '/jobs?appName=demo&classPath=ProgressExample&context=reports&sync=true&timeout=120',
      'steps = 1000\nlines = 100000\nstepMs = 1',
    );
    const elapsedS = (Date.now() - started) / 1000;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.result).toEqual({ steps: 1000, lines: 100_000 });
    const jobId = res.body.jobId as string;

    const [row] = await server.query<Record<string, unknown>>(
      `SELECT status, event_seq, progress, stages, log_lines, end_time FROM jobs WHERE id = $1`,
      [jobId],
    );
    expect(row).toMatchObject({ status: 'FINISHED', log_lines: 100_000, progress: { fraction: 1, done: 1000, total: 1000, message: 'step 1000' } });
    const stages = row!.stages as Array<{ name: string; startTime: string; endTime: string }>;
    expect(stages.map((s) => s.name)).toEqual(['count', 'log', 'done']);
    expect(Date.parse(stages[2]!.endTime)).toBe((row!.end_time as Date).getTime());

    const counts = await server.query<{ type: string; n: number; min_line: number | null; max_seq: number }>(
      `SELECT type, count(*)::int AS n, min(line) AS min_line, max(seq) AS max_seq FROM job_events WHERE job_id = $1 GROUP BY type`,
      [jobId],
    );
    const byType = Object.fromEntries(counts.map((c) => [c.type, c]));
    expect(byType.log).toMatchObject({ n: 10_000, min_line: 90_000 });
    expect(byType.stage!.n).toBe(3);
    // At most progress-rate (10) batches a second, plus the first (at once) and the end's.
    expect(byType.progress!.n).toBeLessThanOrEqual(10 * elapsedS + 2);
    expect(Math.max(...counts.map((c) => c.max_seq))).toBeLessThan(row!.event_seq as number);

    // Redis: detail messages, then the end; seqs 3 … n gap-free across them, the end n + 1.
    const ofJob = heard.filter((h) => h.message.jobId === jobId);
    const end = ofJob.findIndex((h) => h.message.status === 'FINISHED');
    expect(end).toBe(ofJob.length - 1);
    const seqs = ofJob
      .filter((h) => h.channel.endsWith(':job-details'))
      .flatMap((h) => (h.message.events as Array<{ seq: number }>).map((e) => e.seq));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 3));
    expect(ofJob[end]!.message.seq).toBe(seqs.length + 3);
    expect(ofJob[end]!.message.seq).toBe(row!.event_seq);
    const running = ofJob.find((h) => h.message.status === 'RUNNING');
    if (running) expect(running.message.seq).toBe(2);
  });

  it('copies a bounded number of a flooding job’s lines to the server log', async () => {
    const res = await api.post('/jobs?appName=demo&classPath=ProgressExample&context=reports&sync=true&timeout=120', 'steps = 1\nlines = 100000');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const jobId = res.body.jobId as string;
    const linesOfJob = () =>
      readdirSync(server.logDir)
        .filter((f) => f.endsWith('.log'))
        .map((f) => readFileSync(path.join(server.logDir, f), 'utf8'))
        .join('\n')
        .split('\n')
        .filter((line) => line.includes(jobId));
    // The worker's log reaches the file through its scheduler's pipe: it may come a moment after the answer.
    const logs = await eventually(async () => {
      const lines = linesOfJob();
      return lines.some((line) => line.includes('not copied to the server log')) ? lines : undefined;
    }, 10_000).catch(() => linesOfJob());
    const copied = logs.filter((line) => /"msg":"line \d+"/.test(line));
    expect(copied.length).toBeGreaterThan(0);
    expect(copied.length).toBeLessThan(1000);
    expect(logs.some((line) => line.includes('not copied to the server log'))).toBe(true);
  });
});
