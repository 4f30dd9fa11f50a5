import { describe, expect, it } from 'vitest';
import {
  MAX_RESULT_DEPTH,
  serializeLogFields,
  ResultTooDeep,
  ResultTooLarge,
  serializeResult,
} from './result-serializer';

const MB16 = 16 * 1024 * 1024;
const ser = (value: unknown): unknown => {
  const text = serializeResult(value, MB16);
  return text === undefined ? undefined : JSON.parse(text);
};

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

class Opaque {
  private readonly secret?: number;
  toString(): string {
    return 'Opaque!';
  }
}

describe('serializeResult', () => {
  it('keeps numbers, strings, booleans and null', () => {
    expect(serializeResult(42, MB16)).toBe('42');
    expect(serializeResult(-1.5, MB16)).toBe('-1.5');
    expect(serializeResult('a "b"', MB16)).toBe('"a \\"b\\""');
    expect(serializeResult(true, MB16)).toBe('true');
    expect(serializeResult(null, MB16)).toBe('null');
  });

  it('turns non-finite numbers into null', () => {
    expect(ser([NaN, Infinity, -Infinity])).toEqual([null, null, null]);
    expect(serializeResult(NaN, MB16)).toBe('null');
  });

  it('returns undefined for an undefined result', () => {
    expect(serializeResult(undefined, MB16)).toBeUndefined();
  });

  it('writes undefined in arrays as null and omits undefined object fields', () => {
    expect(serializeResult([1, undefined, 3], MB16)).toBe('[1,null,3]');
    expect(ser([1, , 3])).toEqual([1, null, 3]);
    expect(serializeResult({ a: undefined, b: 1, c: undefined }, MB16)).toBe('{"b":1}');
  });

  it('serializes plain, nested and null-prototype objects', () => {
    const bare = Object.assign(Object.create(null) as object, { k: 'v' });
    expect(ser({ a: { b: [1, { c: 'd' }] }, bare })).toEqual({
      a: { b: [1, { c: 'd' }] },
      bare: { k: 'v' },
    });
    expect(serializeResult({}, MB16)).toBe('{}');
    expect(serializeResult([], MB16)).toBe('[]');
  });

  it('turns Sets into arrays', () => {
    expect(ser(new Set([1, 'a', new Set([2])]))).toEqual([1, 'a', [2]]);
  });

  it('turns Maps into objects with String() keys', () => {
    const map = new Map<unknown, unknown>([
      ['a', 1],
      [2, 'two'],
      [true, [1]],
      [null, new Map([['x', 1]])],
      [{ o: 1 }, 'obj'],
    ]);
    expect(ser(map)).toEqual({
      a: 1,
      '2': 'two',
      true: [1],
      null: { x: 1 },
      '[object Object]': 'obj',
    });
  });

  it('lets the later of two Map keys that stringify alike win', () => {
    expect(
      serializeResult(
        new Map<unknown, number>([
          [1, 1],
          ['1', 2],
        ]),
        MB16,
      ),
    ).toBe('{"1":2}');
  });

  it('turns typed arrays into arrays of numbers', () => {
    expect(serializeResult(new Uint8Array([1, 2, 255]), MB16)).toBe('[1,2,255]');
    expect(ser(new Float64Array([0.5, NaN]))).toEqual([0.5, null]);
    expect(ser(Buffer.from('hi'))).toEqual([104, 105]);
    expect(ser(new BigInt64Array([1n, -(2n ** 63n)]))).toEqual([1, '-9223372036854775808']);
  });

  it('turns BigInts into numbers when safe, else decimal strings', () => {
    expect(serializeResult(12n, MB16)).toBe('12');
    expect(serializeResult(-(2n ** 53n - 1n), MB16)).toBe('-9007199254740991');
    expect(serializeResult(2n ** 53n, MB16)).toBe('"9007199254740992"');
    expect(serializeResult(123456789012345678901234567890n, MB16)).toBe(
      '"123456789012345678901234567890"',
    );
  });

  it('turns Dates into ISO strings and invalid Dates into String(date)', () => {
    expect(ser({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })).toEqual({
      at: '2024-01-02T03:04:05.000Z',
    });
    expect(ser(new Date(NaN))).toBe('Invalid Date');
  });

  it('serializes a top-level function, symbol or error to its String()', () => {
    function named() {}
    expect(ser(named)).toBe(String(named));
    expect(ser(Symbol('s'))).toBe('Symbol(s)');
    expect(ser(new RangeError('too far'))).toBe('RangeError: too far');
  });

  it('serializes the whole result to String(result) when it holds a function or symbol anywhere', () => {
    function named() {}
    const fnList = [1, named];
    expect(ser(fnList)).toBe(String(fnList));
    const arrow = () => 1;
    expect(ser({ f: arrow })).toBe('[object Object]');
    expect(ser({ deep: { list: [1, { s: Symbol('s') }] } })).toBe('[object Object]');
    expect(ser(new Map([['k', [Symbol('x')]]]))).toBe('[object Map]');
    expect(ser(new Set([1, named]))).toBe('[object Set]');
  });

  it('serializes the whole result to String(result) when it holds a nested Error (no own enumerable fields)', () => {
    expect(ser({ error: new Error('boom') })).toBe('[object Object]');
    expect(ser(['a', new TypeError('bad')])).toBe('a,TypeError: bad');
    const withFields = Object.assign(new Error('coded'), { code: 'E1' });
    expect(ser({ nested: [withFields] })).toBe('[object Object]');
  });

  it('serializes the whole result to String(result) when it holds a cycle anywhere', () => {
    const node: Record<string, unknown> = { name: 'root' };
    node.self = node;
    expect(ser(node)).toBe('[object Object]');
    const list: unknown[] = [1];
    list.push(list);
    expect(ser(list)).toBe('1,');
    const bare = Object.create(null) as Record<string, unknown>;
    bare.me = bare;
    expect(ser(bare)).toBe('[object Object]');
    const inner: Record<string, unknown> = { v: 1 };
    inner.back = { to: inner };
    expect(ser([1, 2, { deep: inner }])).toBe('1,2,[object Object]');
    const map = new Map<string, unknown>();
    map.set('me', map);
    expect(ser({ map })).toBe('[object Object]');
  });

  it('serializes the whole result to String(result) when it holds an opaque instance', () => {
    expect(ser({ o: new Opaque() })).toBe('[object Object]');
    expect(ser([new Opaque(), 1])).toBe('Opaque!,1');
    expect(ser({ buffer: new ArrayBuffer(2) })).toBe('[object Object]');
    expect(ser({ re: /a+/g })).toBe('[object Object]');
  });

  it('falls back to the [object Tag] form when String(result) throws', () => {
    const noToString = Object.assign(Object.create(null) as object, { f: () => 1 });
    expect(ser(noToString)).toBe('[object Object]');
  });

  it('checks the whole-result String() against max-result-size too', () => {
    const big = { text: 'x'.repeat(100), f: () => 1, toString: () => 'y'.repeat(100) };
    expect(() => serializeResult(big, 50)).toThrow(ResultTooLarge);
  });

  it('serializes a shared (non-cyclic) object at every place it appears', () => {
    const shared = { v: 1 };
    expect(ser([shared, { shared }])).toEqual([{ v: 1 }, { shared: { v: 1 } }]);
  });

  it('serializes class instances by their own enumerable fields, else by String()', () => {
    expect(ser(new Point(1, 2))).toEqual({ x: 1, y: 2 });
    expect(ser(new Opaque())).toBe('Opaque!');
    expect(ser(/a+/g)).toBe('/a+/g');
    expect(
      ser({ p: new Point(1, 2), d: new Date(0), big: 1n, typed: new Int16Array([-1]) }),
    ).toEqual({
      p: { x: 1, y: 2 },
      d: '1970-01-01T00:00:00.000Z',
      big: 1,
      typed: [-1],
    });
    expect(ser(new ArrayBuffer(2))).toBe('[object ArrayBuffer]');
  });

  it('serializes results 5000 levels deep without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_RESULT_DEPTH; i += 1) deep = i % 2 ? [deep] : { d: deep };
    const text = serializeResult(deep, MB16);
    expect(text).toContain('"leaf"');
    expect(text?.length).toBeGreaterThan(2 * MAX_RESULT_DEPTH);
  });

  it('throws ResultTooDeep past the depth limit', () => {
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_RESULT_DEPTH; i += 1) deep = [deep];
    expect(() => serializeResult(deep, MB16)).toThrow(ResultTooDeep);
  });

  it('throws ResultTooLarge with both sizes when the JSON exceeds the limit', () => {
    const big = 'x'.repeat(Math.round(17.2 * 1024 * 1024));
    let error: unknown;
    try {
      serializeResult([big], MB16);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResultTooLarge);
    expect((error as Error).name).toBe('ResultTooLarge');
    expect((error as Error).message).toBe('result is 17.2 MB, over max-result-size 16 MB');
  });

  it('stops walking a result soon after it passed the limit (a 2^31-long sparse array took minutes)', () => {
    let reads = 0;
    const item = { get v() { reads += 1; return 'x'.repeat(100); } };
    const items = Array.from({ length: 10_000 }, () => item);
    expect(() => serializeResult(items, 1000)).toThrow(
      'result is more than 2 KB, over max-result-size 1000 bytes',
    );
    expect(reads).toBeLessThan(30);
    const sparse: unknown[] = [];
    sparse.length = 2 ** 31;
    expect(() => serializeResult(sparse, 1000)).toThrow(ResultTooLarge);
  });

  it('counts UTF-8 bytes and accepts a result of exactly the limit', () => {
    expect(serializeResult('é', 4)).toBe('"é"');
    expect(() => serializeResult('éé', 5)).toThrow(
      'result is 6 bytes, over max-result-size 5 bytes',
    );
  });

  it('shows exact byte counts when the rounded sizes would look equal', () => {
    expect(() => serializeResult('x'.repeat(MB16), MB16)).toThrow(
      `result is ${MB16 + 2} bytes, over max-result-size ${MB16} bytes`,
    );
  });
});

describe('serializeLogFields', () => {
  const fields = (value: unknown): unknown => JSON.parse(serializeLogFields(value, MB16) ?? 'null');

  it('keeps the representable fields and writes each unrepresentable value as its String()', () => {
    const arrow = () => 1;
    const cycle: Record<string, unknown> = { n: 1 };
    cycle.self = cycle;
    expect(fields({ a: 1, f: arrow, err: new Error('boom'), s: Symbol('s'), cycle })).toEqual({
      a: 1,
      f: String(arrow),
      err: 'Error: boom',
      s: 'Symbol(s)',
      cycle: { n: 1, self: '[object Object]' },
    });
  });
});
