import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { BundleRepository } from './repositories/bundle.repository';

describe('BundleRepository on Postgres', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let source: DataSource;
  let bundles: BundleRepository;

  beforeAll(async () => {
    db = await testDatabase();
    source = await openDataSource({ url: db.url, poolSize: 2 });
    await runMigrations(source);
    bundles = new BundleRepository(source);
  });
  afterAll(async () => {
    await source?.destroy();
    await db?.drop();
  });

  const upload = (appName: string, sha: string, size: number, minutesAgo: number) =>
    source.query(
      `INSERT INTO bundles (app_name, binary_type, sha256, size, entry, bytes, upload_time)
       VALUES ($1, 'js', $2, $3, 'index.js', '\\x00'::bytea, now() - make_interval(mins => $4))`,
      [appName, sha.repeat(64), size, minutesAgo],
    );

  it('lists the newest version of the apps uploaded last, newest first, within the limit and leaving out big ones', async () => {
    await upload('a', '1', 10, 50); // a's older version
    await upload('a', '2', 10, 5); // a's newest
    await upload('b', '3', 10, 20);
    await upload('c', '4', 10_000, 1); // c's newest is too big: c is left out, not its older one
    await upload('c', '5', 10, 30);
    await upload('d', '6', 10, 40);
    expect(await bundles.recentLatest(8, 1000)).toEqual(['2'.repeat(64), '3'.repeat(64), '6'.repeat(64)]);
    expect(await bundles.recentLatest(2, 1000)).toEqual(['2'.repeat(64), '3'.repeat(64)]);
  });
});
