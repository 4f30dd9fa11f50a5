import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextExists, TooManyContexts } from '@jobserver/protocol';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { ContextRepository } from './repositories/context.repository';

describe('ContextRepository.insertStarting under max-contexts, on Postgres', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let sources: DataSource[];
  let contexts: ContextRepository[];

  beforeAll(async () => {
    db = await testDatabase();
    // Two pools, as two gateways or schedulers would have.
    sources = await Promise.all([1, 2].map(() => openDataSource({ url: db.url, poolSize: 3 })));
    await runMigrations(sources[0]);
    contexts = sources.map((ds) => new ContextRepository(ds));
  });
  afterAll(async () => {
    await Promise.all((sources ?? []).map((ds) => ds.destroy()));
    await db?.drop();
  });

  it('lets exactly max-contexts of many concurrent inserts through, the others TooManyContexts', async () => {
    const attempts = Array.from({ length: 12 }, (_, i) =>
      contexts[i % 2].insertStarting(`race${i}`, {}, i % 3 === 0, null, 5),
    );
    const results = await Promise.allSettled(attempts);
    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(TooManyContexts);
      expect(r.reason.message).toMatch(/max-contexts \(5\)/);
    }
    expect(await contexts[0].countLive()).toBe(5);
  });

  it('frees a place when a context ends, and still refuses a live name', async () => {
    const live = await contexts[0].listLive();
    await expect(contexts[1].insertStarting('one-more', {}, false, null, 5)).rejects.toBeInstanceOf(TooManyContexts);
    expect(await contexts[0].end(live[0].id, 'FINISHED')).toBe(true);
    await expect(contexts[1].insertStarting(live[1].name, {}, false, null, 5)).rejects.toBeInstanceOf(ContextExists);
    const row = await contexts[1].insertStarting('one-more', {}, false, null, 5);
    expect(row).toMatchObject({ name: 'one-more', state: 'STARTED' });
  });
});
