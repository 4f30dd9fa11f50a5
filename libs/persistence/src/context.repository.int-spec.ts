import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextExists, TooManyContexts } from '@jobserver/protocol';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { ContextRepository } from './repositories/context.repository';

/**
 * A database of its own for the calling describe, with two pools on it (as two gateways or
 * schedulers would have) and a ContextRepository on each; dropped after the describe.
 */
function twoPools(): ContextRepository[] {
  const contexts: ContextRepository[] = [];
  let db: Awaited<ReturnType<typeof testDatabase>> | undefined;
  let sources: DataSource[] = [];
  beforeAll(async () => {
    db = await testDatabase();
    sources = await Promise.all([1, 2].map(() => openDataSource({ url: db!.url, poolSize: 3 })));
    await runMigrations(sources[0]!);
    contexts.push(...sources.map((ds) => new ContextRepository(ds)));
  });
  afterAll(async () => {
    await Promise.all(sources.map((ds) => ds.destroy()));
    await db?.drop();
  });
  return contexts;
}

describe('ContextRepository.insertStarting under max-contexts, on Postgres', () => {
  const contexts = twoPools();

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

describe('ContextRepository.whenNameFree, on Postgres', () => {
  const contexts = twoPools();

  it('holds the name while its work runs: a new context of the name is recorded only after (with or without max-contexts)', async () => {
    for (const maxContexts of [Infinity, 10]) {
      const name = `held-${maxContexts}`;
      const order: string[] = [];
      let insert: Promise<unknown> | undefined;
      const ran = await contexts[0].whenNameFree(name, async () => {
        insert = contexts[1].insertStarting(name, {}, false, null, maxContexts).then(() => order.push('insert'));
        await new Promise((resolve) => setTimeout(resolve, 300));
        order.push('work');
      });
      await insert;
      expect(ran).toBe(true);
      expect(order).toEqual(['work', 'insert']);
    }
  });

  it('does not run its work while a live context holds the name, nor for an error in it keep the name', async () => {
    const live = await contexts[0].insertStarting('taken', {}, false);
    let ran = false;
    expect(await contexts[1].whenNameFree('taken', async () => void (ran = true))).toBe(false);
    expect(ran).toBe(false);
    await contexts[0].end(live.id, 'FINISHED');
    await expect(contexts[1].whenNameFree('taken', () => Promise.reject(new Error('redis down')))).rejects.toThrow('redis down');
    expect(await contexts[0].insertStarting('taken', {}, false)).toMatchObject({ name: 'taken', state: 'STARTED', adHoc: false });
  });
});
