import { afterEach, describe, expect, it, vi } from 'vitest';
import { NamedObjectStore } from './named-object-store';
import { estimateBytes } from './object-size';

describe('NamedObjectStore catalog', () => {
  afterEach(() => vi.useRealTimers());

  it('lists each object with its type, a size estimate and when it was stored, replaced and used', async () => {
    vi.useFakeTimers({ now: 1_000 });
    const store = new NamedObjectStore();
    await store.update('numbers', Array.from({ length: 1000 }, (_, i) => i));
    await store.getOrElseCreate('lookup', () => new Map([['a', 'x'.repeat(100)]]));
    vi.setSystemTime(2_000);
    await store.get('numbers');
    vi.setSystemTime(3_000);
    await store.update('lookup', new Map());
    const [lookup, numbers] = store.catalog();
    expect(numbers).toEqual({ name: 'numbers', type: 'Array', bytes: expect.any(Number), partial: false, createdAt: 1_000, updatedAt: 1_000, lastUsedAt: 2_000, expiresAt: null });
    expect(numbers!.bytes).toBeGreaterThan(1000 * 8);
    expect(lookup).toMatchObject({ name: 'lookup', type: 'Map', createdAt: 1_000, updatedAt: 3_000, lastUsedAt: 3_000 });
    await store.destroy('numbers');
    expect(store.catalog().map((o) => o.name)).toEqual(['lookup']);
    expect(store.has('lookup')).toBe(true);
    expect(store.has('numbers')).toBe(false);
  });

  it('names class instances by their class', async () => {
    class Model {
      weights = new Float64Array(1024);
    }
    const store = new NamedObjectStore();
    await store.update('model', new Model());
    expect(store.catalog()[0]).toMatchObject({ type: 'Model', partial: false });
    expect(store.catalog()[0]!.bytes).toBeGreaterThanOrEqual(8192);
  });
});

describe('estimateBytes', () => {
  it('counts shared objects and cycles once', () => {
    const shared = { payload: 'y'.repeat(10_000) };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    const one = estimateBytes({ a: shared }).bytes;
    expect(estimateBytes(cyclic).bytes).toBeLessThan(one + 200);
  });

  it('stops at its limit with a lower bound, and survives getters that throw', () => {
    expect(estimateBytes(Array.from({ length: 1000 }, () => ({})), 100)).toMatchObject({ partial: true });
    const hostile = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(estimateBytes(hostile)).toMatchObject({ partial: true });
  });

  it('counts strings wider than Latin-1 at two bytes a character', () => {
    expect(estimateBytes('€'.repeat(1000)).bytes).toBeGreaterThan(estimateBytes('e'.repeat(1000)).bytes + 900);
  });
});
