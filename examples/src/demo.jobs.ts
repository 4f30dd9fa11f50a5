import type { Job, JobContext } from '@jobserver/api';

/** Returns a value of the kind named by `kind`, to show how results are serialized. */
export const ResultTypesExample: Job<{ kind?: string }> = {
  runJob(_ctx: JobContext, config: { kind?: string }) {
    const cycle: Record<string, unknown> = { name: 'cycle' };
    cycle.self = cycle;
    const values: Record<string, () => unknown> = {
      number: () => 42.5,
      string: () => 'hello',
      boolean: () => true,
      null: () => null,
      undefined: () => undefined,
      array: () => [1, 'two', [3]],
      set: () => new Set([1, 2, 2, 3]),
      map: () => new Map<unknown, unknown>([['a', 1], [2, new Map([['x', true]])]]),
      object: () => ({ nested: { list: [1, 2], when: new Date(0) } }),
      typedArray: () => new Uint8Array([1, 2, 255]),
      date: () => new Date('2026-01-02T03:04:05.000Z'),
      bigint: () => 12n,
      bigBigint: () => 12345678901234567890n,
      function: () => function named() {},
      cycle: () => cycle,
      instance: () => new (class Opaque {})(),
      symbol: () => Symbol('s'),
      nestedFunction: () => ({ ok: 1, f: function named() {} }),
      nestedError: () => [1, new Error('boom')],
      nestedCycle: () => ({ list: [1, cycle] }),
      nestedInstance: () => new Map([['o', new (class Opaque {})()]]),
    };
    const make = values[config.kind ?? 'number'];
    if (!make) throw new RangeError(`unknown kind ${config.kind}`);
    return make();
  },
};

/** Throws the error named by `errorClass` with `message`. */
export const FailingExample: Job<{ message?: string; errorClass?: string }> = {
  runJob(_ctx: JobContext, config: { message?: string; errorClass?: string }) {
    const message = config.message ?? 'this job fails';
    if (config.errorClass === 'RangeError') throw new RangeError(message);
    if (config.errorClass === 'TypeError') throw new TypeError(message);
    throw new Error(message);
  },
};

/**
 * Spins the CPU for `ms` milliseconds without yielding. Returns how many times a busy job ran
 * in this executor, so a re-run would show.
 */
export const BusyLoopExample: Job<{ ms?: number }> = {
  runJob(_ctx: JobContext, config: { ms?: number }) {
    const counter = globalThis as { __busyRuns?: number };
    counter.__busyRuns = (counter.__busyRuns ?? 0) + 1;
    const until = Date.now() + (config.ms ?? 1000);
    let spins = 0;
    while (Date.now() < until) spins += 1;
    return { spins: spins > 0, runs: counter.__busyRuns };
  },
};

/** Kills its own context process, as a crashing native addon would. */
export const CrashExample: Job = {
  runJob() {
    process.kill(process.pid, 'SIGKILL');
  },
};

/** Keeps allocating memory until the executor's heap cap stops it. */
export const MemoryHogExample: Job = {
  runJob() {
    const hoard: unknown[] = [];
    for (;;) hoard.push(new Array(100_000).fill({ filler: Math.random() }));
  },
};

/** Returns the context's name and settings, and the libuv pool size `num-cpu-cores` set. */
export const SettingsExample: Job = {
  runJob: (ctx: JobContext) => ({
    context: ctx.contextName,
    settings: ctx.settings,
    threadPoolSize: process.env.UV_THREADPOOL_SIZE ?? null,
  }),
};
