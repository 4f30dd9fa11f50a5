import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { JobRepository } from './repositories/job.repository';
import { StatementRepository } from './repositories/statement.repository';

/**
 * A worker ends jobs in batches on one long-lived connection, for as long as the jobs table grows.
 * Postgres caches a prepared statement's generic plan and plans it again only when the table's
 * statistics change: where no ANALYZE runs (autovacuum off, as on the machines this project is
 * tested on), a plan chosen while the table was small is kept at any size. In a 200,000-job soak a
 * batch end planned as a sequential scan grew from 2 to 38 ms, and throughput fell from 333 to 140
 * jobs a second.
 */
describe('the hot statements on tables that grew after they were planned', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let jobs: JobRepository;

  beforeAll(async () => {
    db = await testDatabase();
    const migrating = await openDataSource({ url: db.url, poolSize: 2 });
    await runMigrations(migrating);
    for (const table of ['jobs', 'contexts']) await migrating.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
    await migrating.destroy();
    // One connection: the repository's statements and the statistics read below share its backend.
    ds = await openDataSource({ url: db.url, poolSize: 1 });
    jobs = new JobRepository(ds, { prepare: true });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const queued = async (n: number): Promise<string[]> => {
    const ids = Array.from({ length: n }, () => randomUUID());
    await ds.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config)
       SELECT id, 'app', repeat('a', 64), 'x.Y', 'c1', false, 'QUEUED', '{}' FROM unnest($1::uuid[]) AS id`,
      [ids],
    );
    return ids;
  };
  const endBatch = (ids: string[]) => jobs.endMany(ids.map((id) => ({ id, ending: { status: 'FINISHED' as const, result: '1' } })));
  /** Sequential scans of `table` so far, this backend's counted in. */
  const seqScans = async (table = 'jobs'): Promise<number> => {
    await ds.query(`SELECT pg_stat_force_next_flush()`);
    await ds.query(`SELECT pg_stat_clear_snapshot()`);
    const [row] = (await ds.query(`SELECT seq_scan FROM pg_stat_user_tables WHERE relname = $1`, [table])) as Array<{ seq_scan: string }>;
    return Number(row!.seq_scan);
  };

  it('finds the jobs of a batch by their ids, however many rows the table has gained since', async () => {
    // Postgres considers a generic plan from the sixth execution of a named statement on.
    for (let i = 0; i < 8; i++) expect(await endBatch(await queued(4))).toEqual([expect.anything(), expect.anything(), expect.anything(), expect.anything()]);
    await queued(20_000);
    const batch = await queued(4);
    const before = await seqScans();

    const ended = await endBatch(batch);

    expect(ended.every((job) => job !== null)).toBe(true);
    expect(await seqScans()).toBe(before);
  });

  it('finds a lone job by its id to mark it running and to end it, however many rows the table has gained since', async () => {
    for (let i = 0; i < 8; i++) {
      const [id] = await queued(1);
      expect(await jobs.markRunning(id!, new Date())).toBe(true);
      expect(await jobs.end(id!, { status: 'FINISHED', result: '1' })).not.toBeNull();
    }
    await queued(20_000);
    const [id] = await queued(1);
    const before = await seqScans();

    expect(await jobs.markRunning(id!, new Date())).toBe(true);
    expect(await jobs.end(id!, { status: 'FINISHED', result: '1' })).not.toBeNull();

    expect(await seqScans()).toBe(before);
  });

  it('finds a live context by its name to record a job or a statement in it, however many ended contexts the table has gained', async () => {
    await ds.query(`INSERT INTO bundles (app_name, binary_type, sha256, size, entry, bytes) VALUES ('app', 'js', repeat('a', 64), 1, 'x', '\\x00')`);
    await ds.query(`INSERT INTO contexts (name, settings, ad_hoc, state) VALUES ('live', '{}', false, 'RUNNING')`);
    const statements = new StatementRepository(ds, { prepare: true });
    const submit = () => jobs.insertSubmitted({ id: randomUUID(), appName: 'app', classPath: 'x.Y', contextName: 'live', adHoc: false, config: '{}' });
    for (let i = 0; i < 8; i++) {
      expect(await submit()).not.toBeNull();
      expect(await statements.insertByName('live', '1 + 1')).not.toBeNull();
    }
    // Ad-hoc jobs leave a context row each until context retention deletes it.
    await ds.query(
      `INSERT INTO contexts (name, settings, ad_hoc, state, end_time) SELECT 'adhoc-' || i, '{}', true, 'FINISHED', now() FROM generate_series(1, 20000) AS i`,
    );
    const before = await seqScans('contexts');

    expect(await submit()).not.toBeNull();
    expect(await statements.insertByName('live', '1 + 1')).not.toBeNull();

    expect(await seqScans('contexts')).toBe(before);
  });
});
