/** Deepest nesting of arrays/objects a job result may have. */
export const MAX_RESULT_DEPTH = 5000;

/** Thrown when a job result's JSON text is larger than `max-result-size`. */
export class ResultTooLarge extends Error {
  override readonly name = 'ResultTooLarge';

  constructor(
    /** Size of the result's JSON text, in bytes. */
    readonly bytes: number,
    /** The `max-result-size` limit, in bytes. */
    readonly maxBytes: number,
    /** True when the walk stopped early and `bytes` is only a lower bound. */
    readonly partial = false,
  ) {
    super(sizeMessage(bytes, maxBytes, partial));
  }
}

/** Thrown when a job result nests deeper than {@link MAX_RESULT_DEPTH}. */
export class ResultTooDeep extends Error {
  override readonly name = 'ResultTooDeep';

  constructor() {
    super(`result nests deeper than ${MAX_RESULT_DEPTH} levels`);
  }
}

/**
 * The JSON text of a job result, following API.md's "Result serialization": JSON values as is,
 * Sets and typed arrays → arrays, Maps → objects, Date → ISO string, BigInt → number when safe
 * else decimal string. A result that holds anything these rules cannot represent anywhere — a
 * function, a symbol, an Error, a class instance without own enumerable fields, a cycle — is
 * serialized whole, as `String(result)` (the seed's rule). Works iteratively, so deep results do
 * not overflow the stack.
 *
 * @returns `undefined` when `value` is `undefined` (the job has no result)
 * @throws {@link ResultTooLarge} when the JSON text exceeds `maxBytes` (UTF-8 bytes)
 * @throws {@link ResultTooDeep} when the result nests deeper than {@link MAX_RESULT_DEPTH}
 */
export function serializeResult(value: unknown, maxBytes: number): string | undefined {
  if (value === undefined) return undefined;
  try {
    return serialize(value, maxBytes, 'whole');
  } catch (error) {
    if (!(error instanceof Unrepresentable)) throw error;
    const writer = new JsonWriter(maxBytes);
    writer.write(JSON.stringify(safeString(value)));
    return writer.text();
  }
}

/**
 * The JSON text of a job's log fields: like {@link serializeResult}, except that each value the
 * rules cannot represent becomes its own `String(value)` in place, so that one odd field (an
 * Error, a callback) does not hide the others.
 *
 * @throws {@link ResultTooLarge} when the JSON text exceeds `maxBytes` (UTF-8 bytes)
 * @throws {@link ResultTooDeep} when the fields nest deeper than {@link MAX_RESULT_DEPTH}
 */
export function serializeLogFields(value: unknown, maxBytes: number): string | undefined {
  return value === undefined ? undefined : serialize(value, maxBytes, 'in-place');
}

/** What to do on a value the rules cannot represent: give up on the whole value, or stringify it in place. */
type FallbackMode = 'whole' | 'in-place';

/** Thrown inside a `'whole'` walk at the first value the rules cannot represent (no stack: not an Error). */
class Unrepresentable {}

function serialize(value: unknown, maxBytes: number, mode: FallbackMode): string {
  const writer = new JsonWriter(maxBytes);
  new ResultWalker(writer, mode).walk(value);
  return writer.text();
}

/**
 * Collects JSON text, counting bytes; past the limit it only counts, to report the size, up to
 * {@link COUNT_PAST_LIMIT} times the limit: then it stops the walk, so that a result that is cheap
 * to build but huge to write (a sparse array of length 2^31) costs no more than that.
 */
class JsonWriter {
  private readonly parts: string[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  write(chunk: string): void {
    this.bytes += Buffer.byteLength(chunk);
    if (this.bytes <= this.maxBytes) this.parts.push(chunk);
    const countLimit = COUNT_PAST_LIMIT * this.maxBytes;
    if (this.bytes > countLimit) throw new ResultTooLarge(countLimit, this.maxBytes, true);
  }

  text(): string {
    if (this.bytes > this.maxBytes) throw new ResultTooLarge(this.bytes, this.maxBytes);
    return this.parts.join('');
  }
}

/** How far past `max-result-size` a result's bytes are still counted, as a multiple of it. */
const COUNT_PAST_LIMIT = 2;

type Container =
  | { kind: 'array'; source: object; items: Iterator<unknown> }
  | { kind: 'object'; source: object; items: Iterator<[string, unknown]> };

type Frame = Container & { count: number };

/** Depth-first walk over a result with an explicit stack of open arrays and objects. */
class ResultWalker {
  private readonly stack: Frame[] = [];
  private readonly ancestors = new Set<object>();

  constructor(
    private readonly writer: JsonWriter,
    private readonly mode: FallbackMode,
  ) {}

  walk(root: unknown): void {
    this.emit(root);
    while (this.stack.length > 0) {
      const frame = this.stack[this.stack.length - 1];
      const next = frame.items.next();
      if (next.done) {
        this.writer.write(frame.kind === 'array' ? ']' : '}');
        this.stack.pop();
        this.ancestors.delete(frame.source);
      } else if (frame.kind === 'array') {
        if (frame.count++ > 0) this.writer.write(',');
        this.emit(next.value);
      } else {
        const [key, value] = next.value as [string, unknown];
        if (value === undefined) continue;
        this.writer.write(`${frame.count++ > 0 ? ',' : ''}${JSON.stringify(key)}:`);
        this.emit(value);
      }
    }
  }

  private emit(value: unknown): void {
    const leaf = leafText(value);
    if (leaf === UNREPRESENTABLE) return this.unrepresentable(value);
    if (leaf !== undefined) return this.writer.write(leaf);
    const container = containerOf(value as object);
    if (container === undefined || this.ancestors.has(container.source))
      return this.unrepresentable(value);
    if (this.stack.length >= MAX_RESULT_DEPTH) throw new ResultTooDeep();
    this.ancestors.add(container.source);
    this.stack.push({ ...container, count: 0 });
    this.writer.write(container.kind === 'array' ? '[' : '{');
  }

  private unrepresentable(value: unknown): void {
    if (this.mode === 'whole') throw new Unrepresentable();
    this.writer.write(JSON.stringify(safeString(value)));
  }
}

/** A function, symbol or Error: nothing the serialization rules can represent. */
const UNREPRESENTABLE = Symbol('unrepresentable');

/**
 * The JSON text of a value that is not a container, `undefined` for containers, or
 * {@link UNREPRESENTABLE}.
 */
function leafText(value: unknown): string | undefined | typeof UNREPRESENTABLE {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return bigintText(value);
    case 'undefined':
      return 'null';
    case 'object':
      return value === null ? 'null' : objectLeafText(value);
    default:
      return UNREPRESENTABLE;
  }
}

function objectLeafText(value: object): string | undefined | typeof UNREPRESENTABLE {
  if (value instanceof Date) {
    return JSON.stringify(Number.isNaN(value.getTime()) ? safeString(value) : value.toISOString());
  }
  // An Error's message and stack are not own enumerable fields: it is an opaque instance.
  if (value instanceof Error) return UNREPRESENTABLE;
  return undefined;
}

function bigintText(value: bigint): string {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? String(asNumber) : JSON.stringify(value.toString());
}

/** How to open an object as a JSON array or object; `undefined` for an opaque instance. */
function containerOf(value: object): Container | undefined {
  if (Array.isArray(value)) return { kind: 'array', source: value, items: value.values() };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.prototype.values.call(value as unknown as ArrayLike<unknown>);
    return { kind: 'array', source: value, items };
  }
  if (value instanceof Set) return { kind: 'array', source: value, items: value.values() };
  if (value instanceof Map) return { kind: 'object', source: value, items: mapEntries(value) };
  const proto: unknown = Object.getPrototypeOf(value);
  const keys = Object.keys(value);
  if (proto === Object.prototype || proto === null || keys.length > 0) {
    return { kind: 'object', source: value, items: ownEntries(value, keys) };
  }
  return undefined;
}

/** Map entries keyed by `String(key)`; when two keys stringify alike, the later value wins. */
function mapEntries(map: Map<unknown, unknown>): Iterator<[string, unknown]> {
  const byString = new Map<string, unknown>();
  for (const [key, value] of map) byString.set(safeString(key), value);
  return byString.entries();
}

function* ownEntries(value: object, keys: string[]): Generator<[string, unknown]> {
  for (const key of keys) yield [key, (value as Record<string, unknown>)[key]];
}

/** `String(value)`, falling back to the `[object Tag]` form for objects without `toString`. */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function sizeMessage(bytes: number, maxBytes: number, partial: boolean): string {
  let size = formatSize(bytes);
  let limit = formatSize(maxBytes);
  if (size === limit) [size, limit] = [`${bytes} bytes`, `${maxBytes} bytes`];
  return `result is ${partial ? 'more than ' : ''}${size}, over max-result-size ${limit}`;
}

const SIZE_UNITS: ReadonlyArray<[string, number]> = [
  ['GB', 1024 ** 3],
  ['MB', 1024 ** 2],
  ['KB', 1024],
];

function formatSize(bytes: number): string {
  for (const [unit, size] of SIZE_UNITS) {
    if (bytes >= size) return `${(bytes / size).toFixed(1).replace(/\.0$/, '')} ${unit}`;
  }
  return `${bytes} bytes`;
}
