import { randomUUID } from 'node:crypto';
import { loadServerConfig } from '@jobserver/config';
import { JobEventRepository, JobRepository, openDataSource, runMigrations } from '@jobserver/persistence';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../../test/support/services';
import { JobEventReader } from './job-event.reader';

describe('JobEventReader on Postgres', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let reader: JobEventReader;

  /** A job row as the lifecycle leaves it, written in SQL (the worker's writes are not under test here). */
  const job = async (fields: { status: string; eventSeq: number; started: boolean; ended: boolean; result?: string }) => {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config, result, event_seq,
         created_at, start_time, end_time)
       VALUES ($1, 'app', $2, 'x.Y', 'c', false, $3, '{}', $4, $5, '2026-12-02T05:00:00Z',
         CASE WHEN $6 THEN '2026-12-02T05:00:01Z'::timestamptz END, CASE WHEN $7 THEN '2026-12-02T05:00:03Z'::timestamptz END)`,
      [id, 'a'.repeat(64), fields.status, fields.result ?? null, fields.eventSeq, fields.started, fields.ended],
    );
    return id;
  };
  const detail = (jobId: string, seq: number, type: string, payload: object, line: number | null = null) =>
    ds.query(`INSERT INTO job_events (job_id, seq, time, type, line, payload) VALUES ($1, $2, '2026-12-02T05:00:02Z', $3, $4, $5)`, [
      jobId,
      seq,
      type,
      line,
      JSON.stringify(payload),
    ]);

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 2 });
    await runMigrations(ds);
    reader = new JobEventReader(await loadServerConfig({}), new JobRepository(ds), new JobEventRepository(ds));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('lists a running job: queued and running from its row, then its detail rows, and no end', async () => {
    const id = await job({ status: 'RUNNING', eventSeq: 4, started: true, ended: false });
    await detail(id, 3, 'stage', { name: 'load' });
    await detail(id, 4, 'log', { level: 'INFO', message: 'hi' }, 0);
    const page = await reader.page(id, 0, 100);
    expect(page).toMatchObject({ last: false, complete: true });
    expect(page.events).toEqual([
      { seq: 1, time: '2026-12-02T05:00:00.000Z', type: 'queued' },
      { seq: 2, time: '2026-12-02T05:00:01.000Z', type: 'running' },
      { seq: 3, time: '2026-12-02T05:00:02.000Z', type: 'stage', name: 'load' },
      { seq: 4, time: '2026-12-02T05:00:02.000Z', type: 'log', line: 0, level: 'INFO', message: 'hi' },
    ]);
    expect((await reader.page(id, 2, 1)).events.map((e) => e.seq)).toEqual([3]);
  });

  it('ends an ended job with its final report at the end seq, and answers nothing after it', async () => {
    const id = await job({ status: 'FINISHED', eventSeq: 4, started: true, ended: true, result: '{"a":1}' });
    await detail(id, 3, 'progress', { fraction: 0.5 });
    const page = await reader.page(id, 1, 100);
    expect(page.last).toBe(true);
    expect(page.events.map((e) => [e.seq, e.type])).toEqual([
      [2, 'running'],
      [3, 'progress'],
      [4, 'finished'],
    ]);
    expect(page.events[2]).toMatchObject({ time: '2026-12-02T05:00:03.000Z', jobId: id, status: 'OK', result: { a: 1 }, duration: '2 secs' });
    expect(await reader.page(id, 4, 100)).toEqual({ events: [], last: true, complete: true });
    // A page cut short by its limit holds no end: the reader reads on after its last seq.
    expect(await reader.page(id, 2, 1)).toMatchObject({ last: false, complete: false });
  });

  it('gives a job that ended without having run (killed while queued) no running event, and its end at seq 2', async () => {
    // The end statement gives such a job a start_time for its report, but leaves event_seq at 2.
    const id = await job({ status: 'KILLED', eventSeq: 2, started: true, ended: true });
    const page = await reader.page(id, 0, 100);
    expect(page.events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'queued'],
      [2, 'killed'],
    ]);
    expect(page.last).toBe(true);
    expect((await reader.page(id, 1, 100)).events.map((e) => e.seq)).toEqual([2]);
  });

  it('gives a job recorded before the events migration queued, running and its end at 1, 2, 3', async () => {
    const id = await job({ status: 'KILLED', eventSeq: 1, started: true, ended: true });
    const page = await reader.page(id, 0, 100);
    expect(page.events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'queued'],
      [2, 'running'],
      [3, 'killed'],
    ]);
    expect(page.events[2]).toMatchObject({ status: 'KILLED', result: { errorClass: 'JobKilled' } });
  });
});
