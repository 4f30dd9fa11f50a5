import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisNames, type JobDetailMessage, type JobEvent } from '@jobserver/protocol';
import { connectRedis, openEventBus, type EventBus } from '@jobserver/protocol/redis';
import { testDatabase, testRedis } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import type { DetailReport } from './lifecycle/detail-batch';
import { JobLifecycle } from './lifecycle/job.lifecycle';
import { LogRetention } from './lifecycle/log-retention';
import { JobRepository } from './repositories/job.repository';

/** JobLifecycle's detail writes (docs/events.md): seqs, the job row, retention, and what Redis carries in which order. */
describe('JobLifecycle.record on Postgres and Redis', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let redis: Redis;
  let bus: EventBus;
  let lifecycle: JobLifecycle;
  /** Every job event and detail message heard, in arrival order (one subscriber connection). */
  let heard: Array<JobEvent | JobDetailMessage>;

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 4 });
    await runMigrations(ds);
    const { url, prefix } = await testRedis();
    redis = connectRedis(url, 'details-test');
    bus = await openEventBus(redis, new RedisNames(prefix), 'details-test', { events: true, details: true }, () => undefined);
    await bus.hearQueued(true); // QUEUED events (the markers too) ride a channel of their own
    bus.onEvent((event) => void (event.kind === 'job' && heard.push(event)));
    bus.onDetail((message) => void heard.push(message));
    // Prepared statements, as the worker runs them.
    lifecycle = new JobLifecycle(new JobRepository(ds, { prepare: true }), bus);
  });
  beforeEach(() => {
    heard = [];
  });
  afterAll(async () => {
    await bus?.close();
    redis?.disconnect();
    await ds?.destroy();
    await db?.drop();
  });

  const queued = async () => {
    const jobId = randomUUID();
    await ds.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config)
       VALUES ($1, 'app', $2, 'x.Y', 'c1', false, 'QUEUED', '{}')`,
      [jobId, 'a'.repeat(64)],
    );
    return { jobId, context: 'c1', startTime: new Date(Date.now() - 1000) };
  };
  const row = async (id: string) =>
    ((await ds.query(`SELECT status, event_seq, progress, stages, log_lines, start_time, end_time FROM jobs WHERE id = $1`, [id])) as Array<
      Record<string, unknown>
    >)[0]!;
  const rows = async (id: string) =>
    (await ds.query(`SELECT seq, type, line, payload FROM job_events WHERE job_id = $1 ORDER BY seq`, [id])) as Array<{
      seq: number;
      type: string;
      line: number | null;
      payload: Record<string, unknown>;
    }>;
  /** Waits until a marker published last came back: everything published before it was heard. */
  const settle = async () => {
    const marker = randomUUID();
    await bus.publish({ kind: 'job', jobId: marker, context: 'marker', status: 'QUEUED' });
    await expect.poll(() => heard.some((h) => h.jobId === marker)).toBe(true);
    heard = heard.filter((h) => h.jobId !== marker);
  };
  const t = Date.now();
  const log = (line: number, message = `line ${line}`): DetailReport => ({ type: 'log', time: t + line, line, level: 'INFO', message });

  it('numbers running, progress, stage, log and end events without a gap, and publishes the end last', async () => {
    const job = await queued();
    expect(await lifecycle.running(job.jobId, job.startTime)).toBe(true);
    const first = await lifecycle.record(
      job,
      [{ type: 'stage', time: t, name: 'load' }, { type: 'progress', time: t + 1, fraction: 0.5, done: 1, total: 2 }, log(0), log(1)],
      new LogRetention(100),
    );
    expect(first!.map((e) => [e.seq, e.type])).toEqual([[3, 'stage'], [4, 'progress'], [5, 'log'], [6, 'log']]);
    expect(first![1]).toEqual({ seq: 4, time: new Date(t + 1).toISOString(), type: 'progress', fraction: 0.5, done: 1, total: 2 });
    const second = await lifecycle.record(job, [{ type: 'stage', time: t + 5, name: 'save' }, log(2, 'more')], new LogRetention(100));
    expect(second!.map((e) => e.seq)).toEqual([7, 8]);
    expect(await lifecycle.end(job, { status: 'FINISHED', result: '1' })).toBe(true);
    expect((await rows(job.jobId)).map((r) => r.seq)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(await rows(job.jobId)).toContainEqual({ seq: 5, type: 'log', line: 0, payload: { line: 0, level: 'INFO', message: 'line 0' } });
    const ended = await row(job.jobId);
    expect(ended).toMatchObject({ status: 'FINISHED', event_seq: 9, log_lines: 3, progress: { fraction: 0.5, done: 1, total: 2 } });
    expect(ended.stages).toEqual([
      { name: 'load', startTime: new Date(t).toISOString(), endTime: new Date(t + 5).toISOString() },
      { name: 'save', startTime: new Date(t + 5).toISOString(), endTime: expect.stringMatching(/Z$/) },
    ]);
    expect(Date.parse((ended.stages as Array<{ endTime: string }>)[1]!.endTime)).toBe((ended.end_time as Date).getTime());
    await settle();
    expect(heard).toEqual([
      { jobId: job.jobId, events: first },
      { jobId: job.jobId, events: second },
      expect.objectContaining({ kind: 'job', status: 'FINISHED', seq: 9 }),
    ]);
  });

  it('stores what jsonb refuses (U+0000, lone surrogates) in log lines, stages, progress and an end error as U+FFFD, and ends the job', async () => {
    const job = await queued();
    const nul = 'a\u0000b';
    const recorded = await lifecycle.record(
      job,
      [{ type: 'stage', time: t, name: nul }, { type: 'progress', time: t + 1, fraction: 0.5, message: nul }, { ...log(0, nul), fields: { [nul]: '\ud800' } }],
      new LogRetention(100),
    );
    expect(recorded?.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(await rows(job.jobId)).toContainEqual({ seq: 5, type: 'log', line: 0, payload: { line: 0, level: 'INFO', message: 'a\ufffdb', fields: { 'a\ufffdb': '\ufffd' } } });
    const error = { message: nul, errorClass: 'Error', stack: [`at ${nul}`] };
    expect(await lifecycle.end(job, { status: 'ERROR', error })).toBe(true);
    const [ended] = (await ds.query('SELECT status, error, stages, progress FROM jobs WHERE id = $1', [job.jobId])) as Array<Record<string, unknown>>;
    expect(ended).toMatchObject({
      status: 'ERROR',
      error: { message: 'a\ufffdb', stack: ['at a\ufffdb'] },
      progress: { fraction: 0.5, message: 'a\ufffdb' },
      stages: [expect.objectContaining({ name: 'a\ufffdb' })],
    });
  });

  it('marks a queued job RUNNING with its start time on its first batch; the delayed RUNNING write then changes nothing', async () => {
    const job = await queued();
    await lifecycle.record(job, [{ type: 'progress', time: t, fraction: 0.1 }], new LogRetention(10));
    expect(await row(job.jobId)).toMatchObject({ status: 'RUNNING', event_seq: 3, start_time: job.startTime });
    expect(await lifecycle.running(job.jobId, new Date())).toBe(false);
    expect(await row(job.jobId)).toMatchObject({ event_seq: 3, start_time: job.startTime });
  });

  it('keeps the latest progress in the row, also across a batch without one', async () => {
    const job = await queued();
    await lifecycle.record(job, [{ type: 'progress', time: t, fraction: 0.2 }, { type: 'progress', time: t + 1, fraction: 0.7 }], new LogRetention(10));
    await lifecycle.record(job, [log(0)], new LogRetention(10));
    expect((await row(job.jobId)).progress).toEqual({ fraction: 0.7 });
  });

  it('keeps the newest log-lines-retained lines, trimming the oldest rows, and counts every line', async () => {
    const job = await queued();
    const retention = new LogRetention(5);
    const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => log(from + i));
    await lifecycle.record(job, [...lines(0, 4), { type: 'progress', time: t, fraction: 0.3 }], retention);
    await lifecycle.record(job, lines(4, 10), retention);
    expect((await rows(job.jobId)).filter((r) => r.type === 'log').map((r) => r.line)).toEqual([5, 6, 7, 8, 9]);
    await lifecycle.record(job, lines(10, 13), retention);
    const kept = await rows(job.jobId);
    expect(kept.filter((r) => r.type === 'log').map((r) => r.line)).toEqual([8, 9, 10, 11, 12]);
    // The progress row stays; seqs are those the events were published with.
    expect(kept.find((r) => r.type === 'progress')).toMatchObject({ seq: 7 });
    expect(await row(job.jobId)).toMatchObject({ log_lines: 13, event_seq: 2 + 5 + 6 + 3 });
  });

  it('drops a batch of a job that ended, publishing nothing', async () => {
    const job = await queued();
    await lifecycle.endActiveOfContext({ name: 'c1' }, 'KILLED');
    await settle();
    heard = [];
    expect(await lifecycle.record(job, [log(0), { type: 'stage', time: t, name: 's' }], new LogRetention(10))).toBeNull();
    await settle();
    expect(heard).toEqual([]);
    expect(await rows(job.jobId)).toEqual([]);
    expect(await row(job.jobId)).toMatchObject({ status: 'KILLED', event_seq: 2, log_lines: 0, stages: null });
  });

  it('publishes QUEUED (seq 1) with app and classPath after recording a submitted job', async () => {
    await ds.query(
      `INSERT INTO bundles (app_name, binary_type, sha256, size, entry, bytes) VALUES ('subapp', 'js', $1, 1, 'index.js', '\\x00')`,
      ['b'.repeat(64)],
    );
    const id = randomUUID();
    const job = { id, appName: 'subapp', classPath: 'x.Y', contextName: 'adhoc-1', adHoc: true, config: '{}' };
    expect(await lifecycle.submit(job)).toBe('b'.repeat(64));
    await settle();
    const created = ((await ds.query(`SELECT created_at FROM jobs WHERE id = $1`, [id])) as Array<{ created_at: Date }>)[0]!.created_at;
    expect(heard).toEqual([
      { kind: 'job', jobId: id, context: 'adhoc-1', adHoc: true, appName: 'subapp', classPath: 'x.Y', status: 'QUEUED', seq: 1, time: created.toISOString() },
    ]);
    expect(await lifecycle.submit({ ...job, id: randomUUID(), appName: 'nope' })).toBeNull();
  });
});
