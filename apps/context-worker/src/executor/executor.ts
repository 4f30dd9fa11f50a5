import * as path from 'node:path';
import { Worker, type MessagePort } from 'node:worker_threads';
import { errorInfo, toErrorInfo, type ErrorInfo } from '@jobserver/protocol';
import { openExecutorChannel } from './executor.channel';
import { exitError } from './executor.exit';
import { ExecutorStatements, type ExecutorStatementRequest, type ObjectCatalog, type StatementHooks } from './executor.statements';
import { ExecutorSnapshots, type RestoreOutcome } from './executor.snapshots';
import { isSnapshotMessage, type FromExecutorSnapshotMessage } from './snapshot.messages';
import type { SerializedObject, SerializedSnapshot } from './snapshot.serializer';
import { answerDataPath } from './executor.data';
import type { ExecutorOptions, ExecutorRunRequest, RunHooks } from './executor.options';
import { isStatementMessage } from './statement.messages';
import type { FromExecutorMessage, JobOutcome, ToExecutorMessage } from './executor.messages';

export type { ExecutorDataHooks, ExecutorOptions, ExecutorRunRequest, RunHooks } from './executor.options';
export type { RestoreOutcome } from './executor.snapshots';

/** The job id of {@link Executor.warmUp}'s job (never a job's: job ids are UUIDs). */
const WARM_UP_JOB_ID = 'warm-up';

interface RunningJob {
  worker: Worker;
  onStarted?: () => void;
  onValidating?: () => void;
  /** Its `validate` runs: `validating` was posted and no `started` yet. */
  validating: boolean;
  /** A console statement's hooks (absent for jobs). */
  statement?: StatementHooks;
  resolve: (outcome: JobOutcome) => void;
}

/**
 * The main-thread handle of a context's executor: one worker thread that runs user jobs and
 * holds the named objects. A thread that dies (uncaught error, out of memory) fails its running
 * jobs and is replaced by a fresh one, so the context survives.
 */
export class Executor {
  /** Called when the thread died by itself, with the error its running jobs failed with. */
  onUnexpectedExit?: (error: ErrorInfo) => void;

  private readonly jobs = new Map<string, RunningJob>();
  /** Why a worker was (or is being) terminated on purpose; absent = it died by itself. */
  private readonly retired = new WeakMap<Worker, ErrorInfo>();
  private readonly crashes = new WeakMap<Worker, Error>();
  /** Each thread's private channel (job code can reach `parentPort`, not this). */
  private readonly ports = new WeakMap<Worker, MessagePort>();
  /** Entry modules each thread was asked to import (it keeps them for its life). */
  private readonly loaded = new WeakMap<Worker, Set<string>>();
  private readonly statements = new ExecutorStatements();
  private readonly snapshots = new ExecutorSnapshots();
  private ready: Promise<Worker> | undefined;
  private stopped = false;

  /** The executor thread's V8 heap in use, as it last told (every 5 s, and with each job's end); 0 before. */
  heapUsedBytes = 0;

  constructor(private options: ExecutorOptions) {}

  /**
   * Gives a thread started ahead (a spare worker's) to its context: the name and settings its
   * jobs see, and how its heap cap is named. The cap itself is the thread's from its start.
   */
  assign(context: Pick<ExecutorOptions, 'contextName' | 'settings' | 'memoryLimitLabel'>): void {
    this.options = { ...this.options, ...context };
  }

  /** Spawns the executor thread; resolves once it is online. */
  async start(): Promise<void> {
    if (this.ready) throw new Error('executor already started');
    this.ready = this.spawn();
    await this.ready;
  }

  /**
   * Runs a job in the executor thread. `onStarted`, if given, is called when validation passed and
   * `runJob` starts. `hooks.verifyBundle`, if given, is awaited before the first job of `entryPath`
   * in a thread (a fresh thread imports the bundle anew; a warm one reuses the module it imported);
   * a verification that throws ends the job `load-failed`. Resolves with how the job ended (also when
   * the executor cannot run it).
   * @throws Error when a job with the same id is already running
   */
  async run(
    request: ExecutorRunRequest,
    onStarted?: () => void,
    hooks: RunHooks = {},
  ): Promise<JobOutcome> {
    const { verifyBundle, onValidating } = hooks;
    if (this.jobs.has(request.jobId)) throw new Error(`job ${request.jobId} is already running`);
    let worker: Worker;
    try {
      worker = await this.currentWorker();
    } catch (error) {
      return { kind: 'failed', error: toErrorInfo(error) };
    }
    if (verifyBundle && !this.loadedBy(worker).has(request.entryPath)) {
      try {
        await verifyBundle();
        worker = await this.currentWorker();
      } catch (error) {
        return { kind: 'load-failed', error: toErrorInfo(error) };
      }
    }
    if (this.jobs.has(request.jobId)) throw new Error(`job ${request.jobId} is already running`);
    this.loadedBy(worker).add(request.entryPath);
    return new Promise<JobOutcome>((resolve) => {
      this.jobs.set(request.jobId, { worker, onStarted, onValidating, validating: false, resolve });
      try {
        this.send(worker, {
          type: 'run',
          ...request,
          contextName: this.options.contextName,
          settings: this.options.settings,
          maxResultSize: this.options.maxResultSize,
          validateTimeoutMs: this.options.validateTimeoutMs,
          maxErrorSize: this.options.maxErrorSize,
          reportLimits: this.options.reportLimits,
          announceStart: onStarted !== undefined,
        } satisfies ToExecutorMessage);
      } catch (error) {
        this.jobs.delete(request.jobId);
        resolve({ kind: 'failed', error: toErrorInfo(error) });
      }
    });
  }

  /**
   * Runs the worker's own warm-up job (executor/warm-up.job.ts) in the thread, as a spare does
   * before any context takes it.
   * @param entryPath the built warm-up job (specs pass one built from source)
   * @returns how it ended ('finished' unless the thread is broken)
   */
  async warmUp(entryPath = path.join(__dirname, 'warm-up.job.js')): Promise<JobOutcome['kind']> {
    return (await this.run({ jobId: WARM_UP_JOB_ID, entryPath, classPath: 'WarmUp', config: {} })).kind;
  }

  /** Runs a console statement in the REPL scope beside the jobs; `cancel` and restarts treat it as a job. */
  async runStatement(request: ExecutorStatementRequest, hooks: StatementHooks): Promise<JobOutcome> {
    if (this.jobs.has(request.jobId)) throw new Error(`statement ${request.jobId} is already running`);
    const worker = await this.currentWorker().catch((error: unknown) => toErrorInfo(error));
    if (!(worker instanceof Worker)) return { kind: 'failed', error: worker };
    const { contextName, settings, maxResultSize } = this.options;
    return new Promise<JobOutcome>((resolve) => {
      this.jobs.set(request.jobId, { worker, validating: false, statement: hooks, resolve });
      this.send(worker, { type: 'statement', ...request, contextName, settings, maxResultSize } satisfies ToExecutorMessage);
    });
  }

  /** Completion candidates from the thread's REPL scope and named objects (none if it is busy). */
  async complete(code: string, cursor: number): Promise<string[]> {
    return this.statements.complete(this.ports.get(await this.currentWorker()), code, cursor);
  }

  /** The thread's named-object catalog, after removing `remove` (null if it is busy). */
  async objects(remove?: string): Promise<ObjectCatalog | null> {
    return this.statements.objects(this.ports.get(await this.currentWorker()), remove);
  }

  /** The thread's named objects serialized for a snapshot (snapshot.serializer.ts); null if it does not answer within `waitMs`. */
  async snapshot(maxBytes: number, waitMs: number): Promise<SerializedSnapshot | null> {
    return this.snapshots.take(this.ports.get(await this.currentWorker()), maxBytes, waitMs);
  }

  /** Deserializes a snapshot's objects into the thread's store; null if it does not answer within `waitMs`. */
  async restore(objects: SerializedObject[], waitMs: number): Promise<RestoreOutcome | null> {
    return this.snapshots.restore(this.ports.get(await this.currentWorker()), objects, waitMs);
  }

  /** Aborts the job's `ctx.signal` with `reason`; a no-op for jobs not running. */
  cancel(jobId: string, reason: string): void {
    const job = this.jobs.get(jobId);
    if (job) this.send(job.worker, { type: 'cancel', jobId, reason });
  }

  /** Whether the job's `validate` is running (it has not returned yet). */
  isValidating(jobId: string): boolean {
    return this.jobs.get(jobId)?.validating === true;
  }

  /** Ids of the jobs running in the executor. */
  runningJobIds(): string[] {
    return [...this.jobs.keys()];
  }

  /**
   * Terminates the thread, resolves every running job with `{kind: 'failed', executorDied: true}`
   * (errorClass `ExecutorRestarted`, message `reason`) and starts a fresh thread. Named objects are lost.
   */
  async restart(reason: string): Promise<void> {
    if (this.stopped) throw new Error('executor is stopped');
    const previous = this.ready;
    this.ready = (async () => {
      const old = await previous?.catch(() => undefined);
      if (old) await this.retire(old, errorInfo('ExecutorRestarted', reason));
      return this.spawn();
    })();
    await this.ready;
  }

  /** Terminates the thread; running jobs resolve failed with errorClass `ContextStopped`. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const worker = await this.ready?.catch(() => undefined);
    if (worker) await this.retire(worker, errorInfo('ContextStopped', 'context stopped'));
  }

  private loadedBy(worker: Worker): Set<string> {
    let entries = this.loaded.get(worker);
    if (!entries) this.loaded.set(worker, (entries = new Set()));
    return entries;
  }

  private async currentWorker(): Promise<Worker> {
    for (;;) {
      if (this.stopped)
        throw Object.assign(new Error('context stopped'), { name: 'ContextStopped' });
      if (!this.ready) throw new Error('executor not started');
      const ready = this.ready;
      const worker = await ready;
      if (ready === this.ready && !this.retired.has(worker)) return worker;
    }
  }

  private spawn(): Promise<Worker> {
    const { memoryLimitMb, threadFile } = this.options;
    const worker = new Worker(threadFile ?? path.join(__dirname, 'executor.thread.js'), {
      env: { ...this.options.env },
      resourceLimits: memoryLimitMb ? { maxOldGenerationSizeMb: memoryLimitMb } : undefined,
    });
    this.ports.set(worker, openExecutorChannel(worker, (message) => this.onMessage(message)));
    worker.on('error', (error: Error) => this.crashes.set(worker, error));
    return new Promise<Worker>((resolve, reject) => {
      let online = false;
      worker.once('online', () => {
        online = true;
        resolve(worker);
      });
      worker.once('exit', (code: number) => {
        if (online) return this.onExit(worker, code);
        this.retired.set(worker, errorInfo('ExecutorFailed', 'executor did not start'));
        reject(this.crashes.get(worker) ?? new Error(`executor exited with code ${code} on start`));
      });
    });
  }

  private send(worker: Worker, message: ToExecutorMessage): void {
    this.ports.get(worker)?.postMessage(message);
  }

  private onMessage(message: FromExecutorMessage): void {
    if (message.type === 'memory') this.heapUsedBytes = message.heapUsed;
    else if (message.type === 'objects-dropped') this.options.onObjectDropped?.({ name: message.name, reason: message.reason, bytes: message.bytes });
    else if (isSnapshotMessage(message)) this.snapshots.onMessage(message as FromExecutorSnapshotMessage);
    else if (isStatementMessage(message)) {
      const running = this.jobs.get(message.jobId);
      this.statements.onMessage(message, running && this.ports.get(running.worker), running?.statement);
    } else if (message.type === 'data-path') {
      const running = this.jobs.get(message.jobId);
      answerDataPath(message, running && this.ports.get(running.worker), this.options.data);
    } else if (message.type === 'reports') {
      this.options.onReports?.(message.jobId, message.events, message.dropped);
    } else if (message.type === 'validating') {
      const job = this.jobs.get(message.jobId);
      if (job) job.validating = true;
      job?.onValidating?.();
    } else if (message.type === 'started') {
      const job = this.jobs.get(message.jobId);
      if (job) job.validating = false;
      job?.onStarted?.();
    } else if (message.type === 'done') {
      if (message.heapUsed !== undefined) this.heapUsedBytes = message.heapUsed;
      const job = this.jobs.get(message.jobId);
      this.jobs.delete(message.jobId);
      this.options.data?.release(message.jobId);
      job?.resolve(message.outcome);
    }
  }

  private onExit(worker: Worker, code: number): void {
    const intended = this.retired.get(worker);
    const error = intended ?? exitError(this.crashes.get(worker), code, this.options);
    this.failJobs(worker, error);
    if (intended || this.stopped) return;
    this.retired.set(worker, error);
    this.ready = this.spawn();
    this.ready.catch(() => undefined);
    this.onUnexpectedExit?.(error);
  }

  private async retire(worker: Worker, error: ErrorInfo): Promise<void> {
    if (this.retired.has(worker)) return;
    this.retired.set(worker, error);
    this.failJobs(worker, error);
    await worker.terminate();
  }

  private failJobs(worker: Worker, error: ErrorInfo): void {
    for (const [jobId, job] of this.jobs) {
      if (job.worker !== worker) continue;
      this.jobs.delete(jobId);
      this.options.data?.release(jobId);
      job.resolve({ kind: 'failed', error, executorDied: true });
    }
  }
}
