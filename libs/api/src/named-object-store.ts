import { describeType, estimateBytes } from './object-size';
import type { NamedObjects } from './types';

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
}

interface Times {
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number;
}

/**
 * The in-memory named-object store of one context. Creation is single-flight: concurrent
 * `getOrElseCreate` calls for one name share a single factory run, and a failed run caches
 * nothing.
 */
export class NamedObjectStore implements NamedObjects {
  private readonly values = new Map<string, unknown>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly times = new Map<string, Times>();

  async get<T = unknown>(name: string): Promise<T | undefined> {
    if (this.values.has(name)) return this.used(name, this.values.get(name)) as T;
    const inFlight = this.pending.get(name);
    return inFlight ? ((await inFlight.catch(() => undefined)) as T | undefined) : undefined;
  }

  getOrElseCreate<T>(name: string, factory: () => T | Promise<T>): Promise<T> {
    if (this.values.has(name)) return Promise.resolve(this.used(name, this.values.get(name)) as T);
    return this.create(name, factory) as Promise<T>;
  }

  async update<T>(name: string, valueOrFactory: T | (() => T | Promise<T>)): Promise<T> {
    if (typeof valueOrFactory !== 'function') {
      this.pending.delete(name);
      this.store(name, valueOrFactory);
      return valueOrFactory;
    }
    return (await this.create(name, valueOrFactory as () => T | Promise<T>, true)) as T;
  }

  async destroy(name: string): Promise<void> {
    this.values.delete(name);
    this.pending.delete(name);
    this.times.delete(name);
  }

  async getNames(): Promise<string[]> {
    return [...this.values.keys()].sort();
  }

  /** Whether an object is stored under `name` (one being created is not yet). */
  has(name: string): boolean {
    return this.values.has(name);
  }

  /**
   * Every stored object with its type, size estimate and times, by name. Walks each object
   * (estimateBytes: O(its values), at most SIZE_WALK_LIMIT of them), so it is for a catalog
   * request, not for every job.
   */
  catalog(): NamedObjectInfo[] {
    return [...this.values.keys()].sort().map((name) => {
      const value = this.values.get(name);
      const { bytes, partial } = estimateBytes(value);
      return { name, type: describeType(value), bytes, partial, ...this.times.get(name)! };
    });
  }

  /** Drops every object (context stop, executor replacement). */
  clear(): void {
    this.values.clear();
    this.pending.clear();
    this.times.clear();
  }

  private store(name: string, value: unknown): void {
    const now = Date.now();
    this.values.set(name, value);
    const times = this.times.get(name);
    this.times.set(name, { createdAt: times?.createdAt ?? now, updatedAt: now, lastUsedAt: now });
  }

  private used(name: string, value: unknown): unknown {
    const times = this.times.get(name);
    if (times) times.lastUsedAt = Date.now();
    return value;
  }

  private create(name: string, factory: () => unknown, replace = false): Promise<unknown> {
    const inFlight = this.pending.get(name);
    if (inFlight && !replace) return inFlight;
    const creation = (async () => factory())().then(
      (value) => {
        if (this.pending.get(name) === creation) {
          this.pending.delete(name);
          this.store(name, value);
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
