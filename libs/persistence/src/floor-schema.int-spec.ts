import { createRequire } from 'node:module';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';

/** The bench's floor (bench/floor/schema.js) claims the jobs table's indexes: this keeps it true. */
const { JOBS_TABLE } = createRequire(import.meta.url)('../../../bench/floor/schema.js') as { JOBS_TABLE: string[] };

/** `CREATE INDEX … ON public.jobs USING btree (…)` of every index but the primary key and partial ones. */
async function indexes(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ def: string }>(
      `SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'jobs' AND indexname <> 'jobs_pkey' AND indexdef NOT LIKE '% WHERE %'`,
    );
    return rows.map((r) => r.def).sort();
  } finally {
    await client.end();
  }
}

describe("the bench floor's jobs table", () => {
  let ours: Awaited<ReturnType<typeof testDatabase>>;
  let floor: Awaited<ReturnType<typeof testDatabase>>;

  beforeAll(async () => {
    [ours, floor] = await Promise.all([testDatabase(), testDatabase()]);
    const ds = await openDataSource({ url: ours.url, poolSize: 2 });
    await runMigrations(ds);
    await ds.destroy();
    const client = new Client({ connectionString: floor.url });
    await client.connect();
    for (const statement of JOBS_TABLE) await client.query(statement);
    await client.end();
  });
  afterAll(async () => {
    await ours?.drop();
    await floor?.drop();
  });

  it('has the same indexes as jobserver after its migrations (each INSERT and UPDATE maintains as many)', async () => {
    expect(await indexes(floor.url)).toEqual(await indexes(ours.url));
  });
});
