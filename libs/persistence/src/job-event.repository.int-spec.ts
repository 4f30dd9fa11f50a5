import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { JobEventRepository } from './repositories/job-event.repository';

describe('JobEventRepository on Postgres', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let events: JobEventRepository;
  const jobId = randomUUID();
  const other = randomUUID();

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 2 });
    await runMigrations(ds);
    events = new JobEventRepository(ds);
    for (const id of [jobId, other]) {
      await ds.query(
        `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config)
         VALUES ($1, 'app', $2, 'x.Y', 'c', false, 'RUNNING', '{}')`,
        [id, 'a'.repeat(64)],
      );
    }
    // seq 3 progress, 4 stage, 5…9 log lines 0…4 (line 1 already deleted by the retention), 10 progress.
    const rows: Array<[number, string, number | null, object]> = [
      [3, 'progress', null, { fraction: 0.25 }],
      [4, 'stage', null, { name: 'load' }],
      [5, 'log', 0, { level: 'INFO', message: 'zero' }],
      [7, 'log', 2, { level: 'WARN', message: 'two', fields: { n: 2 } }],
      [8, 'log', 3, { level: 'ERROR', message: 'three' }],
      [9, 'log', 4, { level: 'INFO', message: 'four' }],
      [10, 'progress', null, { fraction: 0.5, done: 1, total: 2 }],
    ];
    for (const [seq, type, line, payload] of rows) {
      await ds.query(`INSERT INTO job_events (job_id, seq, time, type, line, payload) VALUES ($1, $2, now(), $3, $4, $5)`, [
        jobId,
        seq,
        type,
        line,
        JSON.stringify(payload),
      ]);
    }
    await ds.query(`INSERT INTO job_events (job_id, seq, time, type, payload) VALUES ($1, 3, now(), 'progress', '{"fraction":1}')`, [other]);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('reads the detail events after a seq in order, each log event carrying its line number', async () => {
    const read = await events.after(jobId, 4);
    expect(read.map((e) => e.seq)).toEqual([5, 7, 8, 9, 10]);
    expect(read[1]).toMatchObject({ type: 'log', payload: { line: 2, level: 'WARN', message: 'two', fields: { n: 2 } } });
    expect(read[4]).toMatchObject({ type: 'progress', payload: { fraction: 0.5, done: 1, total: 2 } });
    expect(read[0]!.time).toBeInstanceOf(Date);
  });

  it('bounds a range read and answers nothing past the last event', async () => {
    expect((await events.after(jobId, 0, 2)).map((e) => e.seq)).toEqual([3, 4]);
    expect(await events.after(jobId, 10)).toEqual([]);
    expect((await events.after(other, 0)).map((e) => e.seq)).toEqual([3]);
  });

  it('reads `size` kept log lines from the first at or after a line number, skipping those the retention deleted', async () => {
    const lines = await events.logLines(jobId, 0, 3);
    expect(lines.map((l) => [l.line, l.level, l.message])).toEqual([
      [0, 'INFO', 'zero'],
      [2, 'WARN', 'two'],
      [3, 'ERROR', 'three'],
    ]);
    expect(lines[1]!.fields).toEqual({ n: 2 });
    expect((await events.logLines(jobId, 1, 2)).map((l) => l.line)).toEqual([2, 3]);
    expect((await events.logLines(jobId, 3, 100)).map((l) => l.line)).toEqual([3, 4]);
    expect(await events.logLines(jobId, 5, 100)).toEqual([]);
  });
});
