import { describeType, estimateBytes } from './object-size';
import type { NamedObjectOptions, NamedObjects } from './types';

/** One named object as a catalog shows it (server side: `GET /contexts/<name>/objects`). */
export interface NamedObjectInfo {
  name: string;
  /** `Map`, `Array`, `string`, a class name… */
  type: string;
  /** An estimate of its heap size (see object-size.ts); a lower bound when `partial`. */
  bytes: number;
  partial: boolean;
  /** Epoch ms: stored first; replaced last; last read or stored. */
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number;
  /** Epoch ms at which its `ttl` drops it, or null (kept until destroyed). */
  expiresAt: number | null;
}

/** Why the store dropped an object by itself. */
export interface NamedObjectDrop {
  name: string;
  reason: 'ttl' | 'budget';
  /** Its size estimate (budget drops). */
  bytes?: number;
}

interface Times {
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number;
  expiresAt?: number;
  /** Size estimate at its store (kept only under a budget). */
  bytes?: number;
}

/** A `ttl` option as given: a positive number of milliseconds, or none. @throws TypeError */
function ttlOf(options: NamedObjectOptions | undefined): number | undefined {
  const ttl = options?.ttl;
  if (ttl === undefined) return undefined;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
    throw new TypeError(`ttl must be a positive number of milliseconds, got ${String(ttl)}`);
  }
  return ttl;
}

/**
 * The in-memory named-object store of one context. Creation is single-flight: concurrent
 * `getOrElseCreate` calls for one name share a single factory run, and a failed run caches
 * nothing. An object stored with a `ttl` is dropped that long after its store (a read does not
 * extend it). Under a byte budget ({@link limitBytes}), a store that takes the objects' size
 * estimates past it drops the least recently used objects until they fit; each drop is told to
 * `onDrop`.
 */
export class NamedObjectStore implements NamedObjects {
  private readonly values = new Map<string, unknown>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly times = new Map<string, Times>();
  private maxBytes: number | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly onDrop: (drop: NamedObjectDrop) => void = () => undefined) {}

  /** Sets the byte budget of the objects' size estimates (`named-objects-max-bytes`); none without. */
  limitBytes(maxBytes: number | undefined): void {
    if (maxBytes === this.maxBytes) return;
    this.maxBytes = maxBytes;
    if (maxBytes === undefined) for (const times of this.times.values()) delete times.bytes;
    else {
      for (const [name, times] of this.times) times.bytes = estimateBytes(this.values.get(name)).bytes;
      this.fitBudget(undefined);
    }
  }

  async get<T = unknown>(name: string): Promise<T | undefined> {
    this.expire();
    if (this.values.has(name)) return this.used(name, this.values.get(name)) as T;
    const inFlight = this.pending.get(name);
    return inFlight ? ((await inFlight.catch(() => undefined)) as T | undefined) : undefined;
  }

  getOrElseCreate<T>(name: string, factory: () => T | Promise<T>, options?: NamedObjectOptions): Promise<T> {
    let ttl: number | undefined;
    try {
      ttl = ttlOf(options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.expire();
    if (this.values.has(name)) return Promise.resolve(this.used(name, this.values.get(name)) as T);
    return this.create(name, factory, false, ttl) as Promise<T>;
  }

  async update<T>(name: string, valueOrFactory: T | (() => T | Promise<T>), options?: NamedObjectOptions): Promise<T> {
    const ttl = ttlOf(options);
    if (typeof valueOrFactory !== 'function') {
      this.pending.delete(name);
      this.store(name, valueOrFactory, ttl);
      return valueOrFactory;
    }
    return (await this.create(name, valueOrFactory as () => T | Promise<T>, true, ttl)) as T;
  }

  async destroy(name: string): Promise<void> {
    this.values.delete(name);
    this.pending.delete(name);
    this.times.delete(name);
  }

  async getNames(): Promise<string[]> {
    this.expire();
    return [...this.values.keys()].sort();
  }

  /** Whether an object is stored under `name` (one being created is not yet). */
  has(name: string): boolean {
    this.expire();
    return this.values.has(name);
  }

  /** Every stored object and its value, by name, without marking them used (a snapshot's read). */
  entries(): Array<[string, unknown]> {
    this.expire();
    return [...this.values.keys()].sort().map((name) => [name, this.values.get(name)]);
  }

  /**
   * Every stored object with its type, size estimate and times, by name. Walks each object
   * (estimateBytes: O(its values), at most SIZE_WALK_LIMIT of them), so it is for a catalog
   * request, not for every job.
   */
  catalog(): NamedObjectInfo[] {
    this.expire();
    return [...this.values.keys()].sort().map((name) => {
      const value = this.values.get(name);
      const { bytes, partial } = estimateBytes(value);
      const { createdAt, updatedAt, lastUsedAt, expiresAt } = this.times.get(name)!;
      return { name, type: describeType(value), bytes, partial, createdAt, updatedAt, lastUsedAt, expiresAt: expiresAt ?? null };
    });
  }

  /** Drops every object (context stop, executor replacement). */
  clear(): void {
    this.values.clear();
    this.pending.clear();
    this.times.clear();
    clearTimeout(this.expiryTimer);
  }

  private store(name: string, value: unknown, ttl: number | undefined): void {
    const now = Date.now();
    this.values.set(name, value);
    const times = this.times.get(name);
    const expiresAt = ttl === undefined ? undefined : now + ttl;
    this.times.set(name, { createdAt: times?.createdAt ?? now, updatedAt: now, lastUsedAt: now, expiresAt });
    if (expiresAt !== undefined) this.scheduleExpiry();
    if (this.maxBytes !== undefined) {
      this.times.get(name)!.bytes = estimateBytes(value).bytes;
      this.fitBudget(name);
    }
  }

  /** Drops the objects whose ttl has passed. */
  private expire(): void {
    if (this.expiryTimer === undefined) return;
    const now = Date.now();
    for (const [name, times] of this.times) {
      if (times.expiresAt !== undefined && times.expiresAt <= now) {
        void this.destroy(name);
        this.onDrop({ name, reason: 'ttl' });
      }
    }
  }

  /** One timer, for the next expiry (unref'd: it keeps nothing alive). */
  private scheduleExpiry(): void {
    clearTimeout(this.expiryTimer);
    let next = Infinity;
    for (const times of this.times.values()) if (times.expiresAt !== undefined) next = Math.min(next, times.expiresAt);
    if (next === Infinity) {
      this.expiryTimer = undefined;
      return;
    }
    this.expiryTimer = setTimeout(() => {
      this.expire();
      this.scheduleExpiry();
    }, Math.max(0, next - Date.now()));
    this.expiryTimer.unref?.();
  }

  /**
   * Over the budget, measures every object anew (they may have grown in place since their store)
   * and drops the least recently used until the rest fit; `latest` (just stored) goes last.
   */
  private fitBudget(latest: string | undefined): void {
    const max = this.maxBytes!;
    const total = () => [...this.times.values()].reduce((sum, times) => sum + (times.bytes ?? 0), 0);
    if (total() <= max) return;
    for (const [name, times] of this.times) times.bytes = estimateBytes(this.values.get(name)).bytes;
    const order = [...this.times.entries()]
      .sort(([a, x], [b, y]) => (a === latest ? 1 : b === latest ? -1 : x.lastUsedAt - y.lastUsedAt))
      .map(([name]) => name);
    for (const name of order) {
      if (total() <= max) return;
      const bytes = this.times.get(name)!.bytes;
      void this.destroy(name);
      this.onDrop({ name, reason: 'budget', bytes });
    }
  }

  private used(name: string, value: unknown): unknown {
    const times = this.times.get(name);
    if (times) times.lastUsedAt = Date.now();
    return value;
  }

  private create(name: string, factory: () => unknown, replace = false, ttl?: number): Promise<unknown> {
    const inFlight = this.pending.get(name);
    if (inFlight && !replace) return inFlight;
    const creation = (async () => factory())().then(
      (value) => {
        if (this.pending.get(name) === creation) {
          this.pending.delete(name);
          this.store(name, value, ttl);
        }
        return value;
      },
      (error: unknown) => {
        if (this.pending.get(name) === creation) this.pending.delete(name);
        throw error;
      },
    );
    this.pending.set(name, creation);
    return creation;
  }
}
