import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { BundleEntity } from './entities/bundle.entity';
import { ContextEntity } from './entities/context.entity';
import { JobEntity } from './entities/job.entity';
import { openPgSource, type PgSource } from './pg-source';
import { BundleRepository } from './repositories/bundle.repository';
import { ContextRepository } from './repositories/context.repository';
import { JobRepository } from './repositories/job.repository';

/**
 * The context worker reads and writes through a PgSource (a pg pool, no TypeORM) with the same
 * repositories as the gateway on TypeORM's data source; the reads that used TypeORM's entity API
 * are raw SQL now. Both must answer exactly as TypeORM did.
 */
describe('PgSource and the raw-SQL repositories, against TypeORM', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let pg: PgSource;

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDataSource({ url: db.url, poolSize: 2 });
    await runMigrations(ds);
    pg = await openPgSource({ url: db.url, poolSize: 2, applicationName: 'pg-source-spec' }, () => undefined);
  });
  afterAll(async () => {
    await pg?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('answers a query as DataSource.query: rows, and [rows, count] for UPDATE and DELETE', async () => {
    await ds.query('CREATE TABLE pairs (k int PRIMARY KEY, v text)');
    const statements: Array<[string, unknown[]]> = [
      ['INSERT INTO pairs VALUES ($1, $2), ($3, $4) RETURNING k', [1, 'a', 2, 'b']],
      ['SELECT k, v FROM pairs ORDER BY k', []],
      ["UPDATE pairs SET v = v || '!' WHERE k >= $1 RETURNING v", [1]],
      ["UPDATE pairs SET v = 'x' WHERE k = $1", [9]],
      ['DELETE FROM pairs WHERE k = $1 RETURNING k', [4]],
      ['DELETE FROM pairs WHERE k > $1', [0]],
    ];
    const reset = async () => {
      await ds.query('TRUNCATE pairs');
      await ds.query("INSERT INTO pairs VALUES (3, 'c'), (4, 'd')");
    };
    for (const [sql, params] of statements) {
      await reset();
      const viaTypeorm = await ds.query(sql, params);
      await reset();
      expect(await pg.query(sql, params), sql).toEqual(viaTypeorm);
    }
  });

  it('reads a job as TypeORM reads its entity, every column set', async () => {
    const id = randomUUID();
    const contextId = randomUUID();
    await ds.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config, result, error,
         start_time, end_time, owner, context_id, priority, retries, attempt, event_seq, progress, stages, log_lines,
         callback_url, callback_state, callback_attempts, callback_last_status, callback_queued_at)
       VALUES ($1, 'app', repeat('a', 64), 'Job', 'ctx', true, 'ERROR', '{"a":1}', '"r"', '{"message":"m","errorClass":"E","stack":[]}',
         now() - interval '1 s', now(), 'alice', $2, 7, 2, 3, 9, '{"fraction":0.5}', '[{"name":"s","startTime":"2026-01-01T00:00:00Z"}]', 4,
         'http://cb.example/x', 'DELIVERED', 1, 204, now())`,
      [id, contextId],
    );
    const viaTypeorm = await ds.getRepository(JobEntity).findOneBy({ id });
    expect(viaTypeorm?.callbackQueuedAt).toBeInstanceOf(Date);
    for (const source of [ds, pg]) expect({ ...(await new JobRepository(source).byId(id)) }).toEqual({ ...viaTypeorm });
    expect(await new JobRepository(pg).byId(randomUUID())).toBeNull();
  });

  it('lists live contexts, and sets an ended context\'s error, as TypeORM did', async () => {
    const contexts = new ContextRepository(pg);
    const first = await contexts.insertStarting('first', { a: 1 }, false, 'alice');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await contexts.insertStarting('second', {}, true, 'bob', 10);
    const ended = await contexts.insertStarting('ended', {}, false);
    await contexts.transition(first.id, ['STARTED'], 'RUNNING', { worker: 'host/1', pid: 1 });
    await contexts.end(ended.id, 'FINISHED');
    await contexts.setError(ended.id, { message: 'gone', errorClass: 'E', stack: ['at x'] });

    const entities = ds.getRepository(ContextEntity);
    const live = await entities.find({ where: [{ state: 'RUNNING' }, { state: 'STARTED' }], order: { startTime: 'ASC' } });
    expect((await contexts.listLive()).map((c) => ({ ...c }))).toEqual(live.map((c) => ({ ...c })));
    expect((await contexts.listLive('bob')).map((c) => c.id)).toEqual([second.id]);
    expect((await entities.findOneBy({ id: ended.id }))?.error).toEqual({ message: 'gone', errorClass: 'E', stack: ['at x'] });
    expect(await contexts.whenNameFree('first', async () => undefined)).toBe(false);
    expect(await contexts.whenNameFree('ended', async () => undefined)).toBe(true);
  });

  it('saves, lists and deletes bundles as TypeORM did', async () => {
    const bundles = new BundleRepository(pg);
    const bundle = { appName: 'b1', binaryType: 'js', sha256: 'c'.repeat(64), size: 3, entry: 'index.js', bytes: Buffer.from('abc'), owner: null };
    const saved = await bundles.save(bundle);
    await bundles.save({ ...bundle, sha256: 'd'.repeat(64), owner: 'alice' });
    await bundles.save({ ...bundle, appName: 'b2', sha256: 'e'.repeat(64) });

    const stored = await ds.getRepository(BundleEntity).findOneBy({ id: saved.id });
    expect({ ...saved }).toEqual({ ...stored });
    expect(saved).not.toHaveProperty('bytes');
    const latest = await ds
      .getRepository(BundleEntity)
      .createQueryBuilder('b')
      .distinctOn(['b.app_name'])
      .orderBy('b.app_name')
      .addOrderBy('b.upload_time', 'DESC')
      .getMany();
    expect((await bundles.listLatest()).map((b) => ({ ...b }))).toEqual(latest.map((b) => ({ ...b })));
    expect((await bundles.listLatest()).map((b) => b.sha256)).toEqual(['d'.repeat(64), 'e'.repeat(64)]);
    expect(await bundles.deleteApp('b1')).toBe(2);
    expect(await bundles.deleteApp('b1')).toBe(0);
  });

  it("warms a waiting worker's connection: a job's end is prepared on it, and no row changes", async () => {
    const one = await openPgSource({ url: db.url, poolSize: 1 }, () => undefined);
    try {
      const jobs = () => ds.query('SELECT id, status, end_time FROM jobs ORDER BY id');
      const before = await jobs();
      await new JobRepository(one, { prepare: true }).warmUp();
      expect(await one.query('SELECT name FROM pg_prepared_statements')).toEqual([{ name: 'jobs.end' }]);
      expect(await jobs()).toEqual(before);
    } finally {
      await one.close();
    }
  });

  it('fails to open, leaving nothing open, when Postgres does not answer', async () => {
    const url = new URL(db.url);
    url.port = '1';
    await expect(openPgSource({ url: url.toString(), connectTimeoutMs: 1000 }, () => undefined)).rejects.toThrow();
  });
});
