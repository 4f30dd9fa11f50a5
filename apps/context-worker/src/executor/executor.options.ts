import type { ReportedEvent, ReportLimits } from './executor.messages';

/** Options of an {@link Executor}. */
export interface ExecutorOptions {
  contextName: string;
  /** The context's settings, given to jobs as `ctx.settings`. */
  settings: Record<string, unknown>;
  /** Heap cap of the executor thread in MB (from `mem-per-node`). @defaultValue no cap */
  memoryLimitMb?: number;
  /** How the cap is named in messages, e.g. `'64m'`. @defaultValue memoryLimitMb + `'m'` */
  memoryLimitLabel?: string;
  /** `max-result-size` in bytes. */
  maxResultSize: number;
  /** `max-error-size` in bytes, applied in the thread (the main thread caps again). @defaultValue no cap */
  maxErrorSize?: number;
  /** `validate-timeout`: the executor thread ends a job whose `validate` is pending longer. @defaultValue none */
  validateTimeoutMs?: number;
  /** `progress-rate`, `log-line-limit`, `log-lines-retained`. @defaultValue the server's defaults */
  reportLimits?: ReportLimits;
  /**
   * Receives what jobs report through `ctx.progress`, `ctx.stage` and `ctx.log`, in batches
   * (with the count of log lines the thread dropped); a job's last batch comes before its end.
   */
  onReports?(jobId: string, events: ReportedEvent[], dropped: number): void;
  /** Told of each named object the store dropped by itself (its ttl passed, or over `named-objects-max-bytes`). */
  onObjectDropped?(drop: { name: string; reason: 'ttl' | 'budget'; bytes?: number }): void;
  /** The compiled thread entry. @defaultValue `executor.thread.js` beside this file */
  threadFile?: string;
  /** The thread's `process.env`: what user code may see (`job-env`). @defaultValue empty */
  env?: Record<string, string>;
  /** Where `ctx.data` gets files from (the worker's data cache). @defaultValue none: every file is not found */
  data?: ExecutorDataHooks;
}

/** The main thread's data cache, as an executor uses it. */
export interface ExecutorDataHooks {
  /** The local path of a data file, held for the job until {@link release}. @throws Error when there is none */
  path(filename: string, jobId: string): Promise<string>;
  /** The job ended: what it was handed may be evicted. */
  release(jobId: string): void;
}

/** A job for {@link Executor.run}. */
export interface ExecutorRunRequest {
  jobId: string;
  /** Absolute path of the bundle's entry module. */
  entryPath: string;
  classPath: string;
  config: Record<string, unknown>;
}

/** Optional callbacks of {@link Executor.run}. */
export interface RunHooks {
  /** Awaited before the first job of an entry module in a thread (see {@link Executor.run}). */
  verifyBundle?: () => Promise<void>;
  /** The job's `validate` is about to run (jobs without one never call this). */
  onValidating?: () => void;
}
