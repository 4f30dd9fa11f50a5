/** How many values {@link estimateBytes} visits at most: beyond, the estimate is a lower bound. */
export const SIZE_WALK_LIMIT = 100_000;

/** An estimate of a value's heap size, and whether the walk stopped at its limit (a lower bound). */
export interface SizeEstimate {
  bytes: number;
  partial: boolean;
}

const POINTER = 8;
const OBJECT_HEADER = 24;

/**
 * Estimates the bytes a value holds on the V8 heap by walking it once (each object counted once,
 * shared references and cycles included), at most `limit` values: a header per object, a slot per
 * property or element, strings at one byte a character (two when not Latin-1), numbers other
 * than small integers as heap numbers, typed arrays and Buffers by their byteLength, Maps and Sets by their entries. Not what
 * `v8.getHeapSnapshot` would say (hidden classes, slack and closures are not counted), but of
 * the right order, and cheap: O(values visited), no allocation per value beyond the visited set.
 */
export function estimateBytes(value: unknown, limit = SIZE_WALK_LIMIT): SizeEstimate {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  let bytes = 0;
  let visited = 0;
  try {
    while (stack.length > 0) {
      if (++visited > limit) return { bytes, partial: true };
      const item = stack.pop();
      if (typeof item === 'string') bytes += stringBytes(item);
      else if (typeof item === 'number') bytes += isSmi(item) ? 0 : 16;
      else if (typeof item === 'bigint') bytes += 16;
      else if ((typeof item === 'object' && item !== null) || typeof item === 'function') {
        if (seen.has(item)) continue;
        seen.add(item);
        bytes += objectBytes(item, stack);
      }
    }
  } catch {
    // A getter or a proxy of user code threw: what was counted so far is the estimate.
    return { bytes, partial: true };
  }
  return { bytes, partial: false };
}

/** A small integer lives in its slot (a V8 Smi); other numbers are heap numbers. */
function isSmi(n: number): boolean {
  return Number.isInteger(n) && n >= -(2 ** 30) && n < 2 ** 30;
}

function stringBytes(text: string): number {
  const wide = /[^\u0000-\u00ff]/.test(text.length > 4096 ? text.slice(0, 4096) : text);
  return OBJECT_HEADER + text.length * (wide ? 2 : 1);
}

/** The object's own bytes; what it refers to goes on the stack. */
function objectBytes(item: object, stack: unknown[]): number {
  if (ArrayBuffer.isView(item)) return OBJECT_HEADER + item.byteLength;
  if (item instanceof ArrayBuffer) return OBJECT_HEADER + item.byteLength;
  if (item instanceof Map) {
    for (const [key, entry] of item) stack.push(key, entry);
    return OBJECT_HEADER + item.size * 3 * POINTER;
  }
  if (item instanceof Set) {
    for (const entry of item) stack.push(entry);
    return OBJECT_HEADER + item.size * 2 * POINTER;
  }
  if (typeof item === 'function') return OBJECT_HEADER * 2;
  if (Array.isArray(item)) {
    for (const element of item) stack.push(element);
    return OBJECT_HEADER + item.length * POINTER;
  }
  const keys = Object.keys(item);
  for (const key of keys) stack.push((item as Record<string, unknown>)[key]);
  return OBJECT_HEADER + keys.length * 2 * POINTER;
}

/** What a value is, for a catalog: `Map`, `Array`, `string`, a class name, `Object`, … */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'Array';
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}
