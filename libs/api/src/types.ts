/** The posted job config: HOCON paths become nesting (`input.string` → `config.input.string`). */
export type JobConfig = Record<string, unknown>;

/** What `validate` may return: `undefined`, `true` or `{valid: true}` mean valid. */
export type ValidationResult = undefined | true | { valid: true } | { valid: false; reason: string };

/**
 * Named objects shared by all jobs of one context (spark-jobserver's named RDDs).
 * All methods are async so that a store may live outside the job's thread.
 */
export interface NamedObjects {
  /** The object stored under `name`, or `undefined`. */
  get<T = unknown>(name: string): Promise<T | undefined>;
  /**
   * The object stored under `name`, created by `factory` if absent. Concurrent callers share one
   * in-flight creation, so `factory` runs once; a factory that throws leaves nothing cached and
   * every waiting caller gets its error. `options.ttl` applies to an object it creates.
   */
  getOrElseCreate<T>(name: string, factory: () => T | Promise<T>, options?: NamedObjectOptions): Promise<T>;
  /** Stores a value (or the result of a factory) under `name`, replacing any previous one. */
  update<T>(name: string, valueOrFactory: T | (() => T | Promise<T>), options?: NamedObjectOptions): Promise<T>;
  /** Drops the object stored under `name`; a no-op if there is none. */
  destroy(name: string): Promise<void>;
  /** The names of all stored objects. */
  getNames(): Promise<string[]>;
}

/** How an object is kept. */
export interface NamedObjectOptions {
  /**
   * Milliseconds after this store at which the object is dropped (a read does not extend it; a
   * new store starts it anew). A positive number, else the call throws a TypeError.
   * @defaultValue kept until destroyed, the executor is replaced or the context stops
   */
  ttl?: number;
}

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** A logger whose lines carry the job id and context name. */
export interface JobLog {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** What a job sees of the server while it runs. */
export interface JobContext {
  readonly jobId: string;
  readonly contextName: string;
  /** The context's settings (query params and `context-settings` of its creation). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly namedObjects: NamedObjects;
  /** Alias of `namedObjects`, for spark-jobserver users. */
  readonly namedRdds: NamedObjects;
  /** Aborted when the job is cancelled (`DELETE /jobs/<id>`, `job-timeout`) or its context stops. */
  readonly signal: AbortSignal;
  /**
   * Lines logged here go to the server log (rate-limited) and are kept with the job
   * (`GET /jobs/<id>/logs`), each cut at `log-line-limit`; the job keeps its newest
   * `log-lines-retained` lines.
   */
  readonly log: JobLog;
  /**
   * Reports how far the job is: a fraction in 0…1 (clamped), or `{done, total, message?}`
   * (fraction done/total; total 0 counts as done). NaN, non-numbers and other shapes are
   * ignored; never throws. Persisted at most `progress-rate` times a second, the latest value
   * always winning.
   */
  progress(value: number | ProgressUpdate): void;
  /**
   * A stage named `name` begins now and the previous one ends; the job's end ends the last.
   * Names are cut at 200 characters; a name that is not a non-empty string is ignored, as are
   * stages past the 1000th. Never throws.
   */
  stage(name: string): void;
  /** Data files uploaded with `POST /data/<prefix>`, by the filename that upload answered. */
  readonly data: DataFiles;
}

/**
 * Data files (`/data`), read through the worker's local cache (by sha256, verified when filled).
 * Both methods reject with `Error('data file <name> not found')` for a filename not stored.
 */
export interface DataFiles {
  /** The file's bytes. */
  read(filename: string): Promise<Buffer>;
  /**
   * A local path of the file's bytes (read-only), readable at least until the job ends, even if
   * the file is deleted meanwhile.
   */
  path(filename: string): Promise<string>;
}

/** The object form of `ctx.progress`: `done` of `total` (finite numbers, total ≥ 0). */
export interface ProgressUpdate {
  done: number;
  total: number;
  /** Cut at 200 characters. */
  message?: string;
}

/**
 * A job: the named export of a bundle that a `classPath` resolves to (an object, or a class
 * instantiated with no arguments).
 *
 * @example
 * ```ts
 * import { invalid, valid, type Job } from '@jobserver/api';
 *
 * export const WordCountExample: Job<{ input?: { string?: string } }> = {
 *   validate: (_ctx, config) =>
 *     typeof config.input?.string === 'string' ? valid() : invalid('No input.string config param'),
 *   runJob: (_ctx, config) => {
 *     const counts: Record<string, number> = {};
 *     for (const word of config.input!.string!.split(' ')) counts[word] = (counts[word] ?? 0) + 1;
 *     return counts;
 *   },
 * };
 * ```
 */
export interface Job<C = JobConfig, R = unknown> {
  /**
   * Runs the job; what it returns (or resolves to) is the job's result, what it throws its error.
   *
   * Retries (`POST /jobs?retries=<n>`): a job whose executor thread or worker process died under
   * it (`process.exit()`, out of memory, the executor replaced, the worker killed) is run again,
   * up to n times. A job that throws is not, unless the thrown error has `retryable: true`
   * (e.g. a {@link RetryableError}): then it too is run again while attempts are left. Each run
   * starts afresh: use a named object or a data file to carry anything across attempts.
   */
  runJob(ctx: JobContext, config: C): R | Promise<R>;
  validate?(ctx: JobContext, config: C): ValidationResult | Promise<ValidationResult>;
}
