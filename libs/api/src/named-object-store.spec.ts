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

  it('updates, destroys and lists names', async () => {
    const store = new NamedObjectStore();
    await store.update('b', 1);
    await store.update('a', () => 2);
    expect(await store.getNames()).toEqual(['a', 'b']);
    await store.destroy('b');
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe(2);
  });
});
