import { describe, expect, it } from 'vitest';
import { NamedObjectStore } from './named-object-store';

describe('NamedObjectStore', () => {
  it('runs the factory once for concurrent getOrElseCreate callers', async () => {
    const store = new NamedObjectStore();
    let runs = 0;
    const factory = async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 20));
      return { n: runs };
    };
    const values = await Promise.all(Array.from({ length: 10 }, () => store.getOrElseCreate('x', factory)));
    expect(runs).toBe(1);
    expect(new Set(values).size).toBe(1);
    expect(await store.getNames()).toEqual(['x']);
  });

  it('caches nothing when the factory throws, and every waiter gets the error', async () => {
    const store = new NamedObjectStore();
    const failing = async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('boom');
    };
    const outcomes = await Promise.allSettled([
      store.getOrElseCreate('x', failing),
      store.getOrElseCreate('x', failing),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(await store.get('x')).toBeUndefined();
    expect(await store.getOrElseCreate('x', () => 7)).toBe(7);
  });

  it('gives every stored value by name for a snapshot, without marking them used', async () => {
    const store = new NamedObjectStore();
    await store.update('b', [2]);
    await store.update('a', { one: 1 });
    void store.getOrElseCreate('pending', () => new Promise(() => {}));
    const before = store.catalog().map((o) => o.lastUsedAt);
    await new Promise((r) => setTimeout(r, 5));
    expect(store.entries()).toEqual([['a', { one: 1 }], ['b', [2]]]);
    expect(store.catalog().map((o) => o.lastUsedAt)).toEqual(before);
  });

  it('updates, destroys and lists names', async () => {
    const store = new NamedObjectStore();
    await store.update('b', 1);
    await store.update('a', () => 2);
    expect(await store.getNames()).toEqual(['a', 'b']);
    await store.destroy('b');
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe(2);
  });

  it('drops an object its ttl after its store, a read not extending it, and says so', async () => {
    const drops: unknown[] = [];
    const store = new NamedObjectStore((drop) => drops.push(drop));
    await store.update('short', 'v', { ttl: 60 });
    await store.getOrElseCreate('made', () => 1, { ttl: 60 });
    await store.update('kept', 'k');
    expect(store.catalog().find((o) => o.name === 'short')?.expiresAt).toBeGreaterThan(Date.now());
    expect(store.catalog().find((o) => o.name === 'kept')?.expiresAt).toBeNull();
    await new Promise((r) => setTimeout(r, 30));
    expect(await store.get('short')).toBe('v');
    await new Promise((r) => setTimeout(r, 60));
    // Gone by the store's own timer, before anyone asks.
    expect(drops).toEqual([
      { name: 'short', reason: 'ttl' },
      { name: 'made', reason: 'ttl' },
    ]);
    expect(await store.getNames()).toEqual(['kept']);
  });

  it('starts a ttl anew on each store, and keeps an object stored again without one', async () => {
    const store = new NamedObjectStore();
    await store.update('x', 1, { ttl: 50 });
    await new Promise((r) => setTimeout(r, 30));
    await store.update('x', 2, { ttl: 50 });
    await new Promise((r) => setTimeout(r, 30));
    expect(await store.get('x')).toBe(2);
    await store.update('x', 3);
    await new Promise((r) => setTimeout(r, 40));
    expect(await store.get('x')).toBe(3);
  });

  it.each([0, -1, Number.NaN, Infinity, '5s'])('refuses ttl %j with a TypeError, storing nothing', async (ttl) => {
    const store = new NamedObjectStore();
    await expect(store.update('x', 1, { ttl: ttl as number })).rejects.toThrow(TypeError);
    await expect(store.getOrElseCreate('y', () => 1, { ttl: ttl as number })).rejects.toThrow(/ttl must be a positive number of milliseconds/);
    expect(await store.getNames()).toEqual([]);
  });

  it('drops the least recently used objects past the byte budget, the one just stored last', async () => {
    const drops: Array<{ name: string; reason: string; bytes?: number }> = [];
    const store = new NamedObjectStore((drop) => drops.push(drop));
    store.limitBytes(2_500_000);
    const mb = () => 'x'.repeat(1_000_000);
    await store.update('a', mb());
    await store.update('b', mb());
    await new Promise((r) => setTimeout(r, 5));
    await store.get('a'); // b is now the least recently used
    await store.update('c', mb());
    expect(drops).toEqual([{ name: 'b', reason: 'budget', bytes: expect.any(Number) }]);
    expect(drops[0]!.bytes).toBeGreaterThanOrEqual(1_000_000);
    expect(await store.getNames()).toEqual(['a', 'c']);
    // One object over the whole budget is not kept either.
    await store.update('huge', 'y'.repeat(3_000_000));
    expect(drops.map((d) => d.name)).toEqual(['b', 'a', 'c', 'huge']);
    expect(await store.getNames()).toEqual([]);
  });

  it('measures objects anew when the budget is set or passed (they may have grown in place)', async () => {
    const drops: string[] = [];
    const store = new NamedObjectStore((drop) => drops.push(drop.name));
    const grows: string[] = [];
    await store.update('grows', grows);
    await store.update('small', 1);
    for (let i = 0; i < 20_000; i++) grows.push(`item ${i}`);
    store.limitBytes(100_000);
    expect(drops).toEqual(['grows']);
    store.limitBytes(undefined);
    await store.update('big', 'z'.repeat(1_000_000));
    expect(await store.getNames()).toEqual(['big', 'small']);
  });
});
