import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { deserializeObjects, serializeObjects, uncloneableReason } from './snapshot.serializer';

class Counter {
  #count = 0;
  increment(): number {
    return ++this.#count;
  }
}

describe('uncloneableReason', () => {
  it('accepts the structured-clone types, nested, with shared references and cycles', () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    const values = [
      1, 'text', null, undefined, true, 10n,
      [1, [2, { three: 3 }]],
      new Map<unknown, unknown>([['a', new Set([1, 2])], [{ k: 1 }, [new Date(0)]]]),
      { when: new Date(), re: /x+/g, bytes: new Float64Array([1.5]), buffer: Buffer.from('ab'), error: new RangeError('r') },
      Object.create(null),
      cyclic,
    ];
    for (const value of values) expect(uncloneableReason(value)).toBeUndefined();
  });

  it('names functions, symbols and class instances with the path where they sit', () => {
    expect(uncloneableReason(() => 1)).toBe('a function at value: functions cannot be cloned');
    expect(uncloneableReason({ handlers: [1, { onDone() {} }] })).toBe('a function at value.handlers[1].onDone: functions cannot be cloned');
    expect(uncloneableReason(new Map([['key', Symbol('s')]]))).toBe('a symbol at value.get("key"): symbols cannot be cloned');
    expect(uncloneableReason({ counter: new Counter() })).toBe(
      'a Counter instance at value.counter: class instances are not cloned (they would lose their class, methods and private fields)',
    );
    expect(uncloneableReason(new Socket())).toMatch(/^a Socket instance at value: class instances are not cloned/);
    expect(uncloneableReason(new Set([Promise.resolve()]))).toMatch(/^a Promise instance at value.values\(\)\[0\]/);
    class Sub extends Map {}
    expect(uncloneableReason(new Sub())).toMatch(/^a Sub instance at value:/);
  });

  it('gives the error of a getter that throws', () => {
    const value = {
      get broken() {
        throw new Error('no');
      },
    };
    expect(uncloneableReason(value)).toBe('reading it threw: no');
  });
});

describe('serializeObjects / deserializeObjects', () => {
  it('serializes the cloneable objects, skips the others with the reason, and round-trips values', () => {
    const lookup = new Map([['a', { list: [1, 2, 3] }]]);
    const taken = serializeObjects(
      [
        ['lookup', lookup],
        ['fn', () => 1],
        ['counter', new Counter()],
        ['when', new Date(5)],
      ],
      1024 * 1024,
    );
    expect(taken.overCap).toBe(false);
    expect(taken.objects.map((o) => o.name)).toEqual(['lookup', 'when']);
    expect(taken.skipped.map((s) => s.name)).toEqual(['fn', 'counter']);
    expect(taken.bytes).toBe(taken.objects.reduce((sum, o) => sum + o.data.length, 0));
    const { values, failed } = deserializeObjects(taken.objects);
    expect(failed).toEqual([]);
    expect(new Map(values)).toEqual(new Map<string, unknown>([['lookup', lookup], ['when', new Date(5)]]));
  });

  it('skips an object that alone is over the cap, and keeps the rest', () => {
    const taken = serializeObjects([['big', 'x'.repeat(5000)], ['small', 'y']], 1000);
    expect(taken.overCap).toBe(false);
    expect(taken.objects.map((o) => o.name)).toEqual(['small']);
    expect(taken.skipped).toEqual([{ name: 'big', reason: expect.stringMatching(/^it serializes to 50\d\d bytes, over snapshot-max-bytes \(1000\)$/) }]);
  });

  it('is over the cap, with no objects, when the objects that fit alone do not fit together', () => {
    const taken = serializeObjects([['a', 'x'.repeat(600)], ['b', 'y'.repeat(600)], ['c', 'z']], 1000);
    expect(taken).toMatchObject({ overCap: true, objects: [] });
    expect(taken.bytes).toBeGreaterThan(1000);
  });

  it('reports bytes that do not deserialize instead of throwing', () => {
    const { values, failed } = deserializeObjects([{ name: 'junk', data: new Uint8Array([1, 2, 3]) }]);
    expect(values).toEqual([]);
    expect(failed).toEqual([{ name: 'junk', reason: expect.stringMatching(/^v8.deserialize failed: /) }]);
  });
});
