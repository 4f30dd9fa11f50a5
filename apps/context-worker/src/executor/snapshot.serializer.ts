import { deserialize, serialize } from 'node:v8';

/** A named object as a snapshot holds it: its `v8.serialize` bytes. */
export interface SerializedObject {
  name: string;
  data: Uint8Array;
}

/** A named object a snapshot left out, and why. */
export interface SkippedObject {
  name: string;
  reason: string;
}

/** What {@link serializeObjects} made of a store's objects. */
export interface SerializedSnapshot {
  /** The objects to store, by name; empty when `overCap`. */
  objects: SerializedObject[];
  skipped: SkippedObject[];
  /** Bytes of the objects' serializations (when `overCap`: at least this many). */
  bytes: number;
  /** The cloneable objects together are over `maxBytes`: nothing may be stored. */
  overCap: boolean;
}

/**
 * The prototypes whose instances `v8.serialize` clones as they are (the structured-clone types):
 * an instance of anything else (a class) would come back as a plain object without its class,
 * methods or private fields, so it is skipped instead.
 */
const CLONED_PROTOTYPES: ReadonlySet<unknown> = new Set<unknown>([
  null,
  Object.prototype,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Buffer.prototype,
  Boolean.prototype,
  Number.prototype,
  String.prototype,
  BigInt.prototype,
  ...[Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError].map((c) => c.prototype),
  ...[Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array].map((c) => c.prototype),
]);

/** Types whose contents the walk does not enter (v8 copies them as a whole). */
const LEAF = (value: object) =>
  value instanceof Date || value instanceof RegExp || value instanceof Error || ArrayBuffer.isView(value) || value instanceof ArrayBuffer;

function className(value: object): string {
  const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor;
  return typeof ctor?.name === 'string' && ctor.name ? ctor.name : 'Object';
}

/** A value met by the walk, and how it was reached (its path is spelled out only for a reason). */
interface Step {
  item: unknown;
  parent: Step | undefined;
  /** The property key, index or Map key; for Map keys and Set values, the position. */
  key: unknown;
  via: 'property' | 'index' | 'map-key' | 'map-value' | 'set-value';
}

function pathOf(step: Step | undefined): string {
  const parts: string[] = [];
  for (let s = step; s?.parent; s = s.parent) {
    const key = s.key;
    if (s.via === 'index') parts.push(`[${String(key)}]`);
    else if (s.via === 'property') parts.push(/^[A-Za-z_$][\w$]*$/.test(String(key)) ? `.${String(key)}` : `[${JSON.stringify(key)}]`);
    else if (s.via === 'map-value') parts.push(typeof key === 'string' || typeof key === 'number' ? `.get(${JSON.stringify(key)})` : '.get(…)');
    else parts.push(s.via === 'map-key' ? `.keys()[${String(key)}]` : `.values()[${String(key)}]`);
  }
  return `value${parts.reverse().join('')}`;
}

/** Pushes the children of a cloned container (no spread: a container may hold millions). */
function pushChildren(stack: Step[], parent: Step, value: object): void {
  if (value instanceof Map) {
    let i = 0;
    for (const [key, item] of value) {
      stack.push({ item: key, parent, key: i++, via: 'map-key' }, { item, parent, key, via: 'map-value' });
    }
  } else if (value instanceof Set) {
    let i = 0;
    for (const item of value) stack.push({ item, parent, key: i++, via: 'set-value' });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) stack.push({ item: value[i], parent, key: i, via: 'index' });
  } else {
    for (const key of Object.keys(value)) stack.push({ item: (value as Record<string, unknown>)[key], parent, key, via: 'property' });
  }
}

/**
 * Why `value` cannot go into a snapshot, or undefined when `v8.serialize` clones it faithfully:
 * it holds a function, a symbol, or an instance of a class (its class, methods and private fields
 * would be lost). Walks the value once (each object once: shared references and cycles are fine).
 * A getter that throws is a reason too.
 */
export function uncloneableReason(value: unknown): string | undefined {
  const seen = new Set<object>();
  const stack: Step[] = [{ item: value, parent: undefined, key: undefined, via: 'property' }];
  try {
    while (stack.length) {
      const step = stack.pop()!;
      const item = step.item;
      if (typeof item === 'function') return `a function at ${pathOf(step)}: functions cannot be cloned`;
      if (typeof item === 'symbol') return `a symbol at ${pathOf(step)}: symbols cannot be cloned`;
      if (typeof item !== 'object' || item === null || seen.has(item)) continue;
      seen.add(item);
      if (!CLONED_PROTOTYPES.has(Object.getPrototypeOf(item))) {
        return `a ${className(item)} instance at ${pathOf(step)}: class instances are not cloned (they would lose their class, methods and private fields)`;
      }
      if (!LEAF(item)) pushChildren(stack, step, item);
    }
  } catch (error) {
    return `reading it threw: ${(error as Error)?.message ?? String(error)}`;
  }
  return undefined;
}

/**
 * Serializes named objects for a snapshot with `v8.serialize`. An object that cannot be cloned
 * faithfully ({@link uncloneableReason}, or v8 refuses it) is skipped with the reason; so is one
 * whose serialization alone is over `maxBytes` (it could never fit). When the rest together are
 * over `maxBytes`, the snapshot is `overCap` (no objects: nothing may be stored) and serializing
 * stops there.
 */
export function serializeObjects(entries: Iterable<[string, unknown]>, maxBytes: number): SerializedSnapshot {
  const objects: SerializedObject[] = [];
  const skipped: SkippedObject[] = [];
  let bytes = 0;
  for (const [name, value] of entries) {
    const reason = uncloneableReason(value);
    if (reason !== undefined) {
      skipped.push({ name, reason });
      continue;
    }
    let data: Buffer;
    try {
      data = serialize(value);
    } catch (error) {
      skipped.push({ name, reason: `v8.serialize refused it: ${(error as Error)?.message ?? String(error)}` });
      continue;
    }
    if (data.length > maxBytes) {
      skipped.push({ name, reason: `it serializes to ${data.length} bytes, over snapshot-max-bytes (${maxBytes})` });
      continue;
    }
    bytes += data.length;
    if (bytes > maxBytes) return { objects: [], skipped, bytes, overCap: true };
    objects.push({ name, data });
  }
  return { objects, skipped, bytes, overCap: false };
}

/** The values of serialized objects, by name, and those that did not deserialize (with why). */
export function deserializeObjects(objects: readonly SerializedObject[]): { values: Array<[string, unknown]>; failed: SkippedObject[] } {
  const values: Array<[string, unknown]> = [];
  const failed: SkippedObject[] = [];
  for (const { name, data } of objects) {
    try {
      values.push([name, deserialize(data)]);
    } catch (error) {
      failed.push({ name, reason: `v8.deserialize failed: ${(error as Error)?.message ?? String(error)}` });
    }
  }
  return { values, failed };
}
