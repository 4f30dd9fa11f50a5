import type { NamedObjects } from './types';

/**
 * The in-memory named-object store of one context. Creation is single-flight: concurrent
 * `getOrElseCreate` calls for one name share a single factory run, and a failed run caches
 * nothing.
 */
export class NamedObjectStore implements NamedObjects {
  private readonly values = new Map<string, unknown>();
  private readonly pending = new Map<string, Promise<unknown>>();

  async get<T = unknown>(name: string): Promise<T | undefined> {
    if (this.values.has(name)) return this.values.get(name) as T;
    const inFlight = this.pending.get(name);
    return inFlight ? ((await inFlight.catch(() => undefined)) as T | undefined) : undefined;
  }

  getOrElseCreate<T>(name: string, factory: () => T | Promise<T>): Promise<T> {
    if (this.values.has(name)) return Promise.resolve(this.values.get(name) as T);
    return this.create(name, factory) as Promise<T>;
  }

  async update<T>(name: string, valueOrFactory: T | (() => T | Promise<T>)): Promise<T> {
    if (typeof valueOrFactory !== 'function') {
      this.pending.delete(name);
      this.values.set(name, valueOrFactory);
      return valueOrFactory;
    }
    return (await this.create(name, valueOrFactory as () => T | Promise<T>, true)) as T;
  }

  async destroy(name: string): Promise<void> {
    this.values.delete(name);
    this.pending.delete(name);
  }

  async getNames(): Promise<string[]> {
    return [...this.values.keys()].sort();
  }

  /** Drops every object (context stop, executor replacement). */
  clear(): void {
    this.values.clear();
    this.pending.clear();
  }

  private create(name: string, factory: () => unknown, replace = false): Promise<unknown> {
    const inFlight = this.pending.get(name);
    if (inFlight && !replace) return inFlight;
    const creation = (async () => factory())().then(
      (value) => {
        if (this.pending.get(name) === creation) {
          this.pending.delete(name);
          this.values.set(name, value);
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
