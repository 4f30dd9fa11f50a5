import { contextLimits, type ServerConfig } from '@jobserver/config';
import { GroupCommit, JobLifecycle, type ContextRecord, type JobEndingOf } from '@jobserver/persistence/core';
import { errorInfo, killedError, toErrorInfo, type ContextJobMessage } from '@jobserver/protocol';
import { JobClaims } from '@jobserver/protocol/redis';
import { BundleCacheService } from '../bundles/bundle-cache.service';
import { ExecutorService, reportLimits } from '../context/executor.service';
import type { RunHooks } from '../executor/executor';
import type { JobOutcome } from '../executor/executor.messages';
import { validateTimeoutMessage } from '../executor/job.runner';
import { WORKER_END_LANES } from '../infra/database-pool';
import { Logger } from '../infra/logger';
import { retryDuringOutage } from '../infra/outage-retry';
import { JobDetailWriters } from './job-details';
import { attemptFailure, jobEnding, type AttemptFacts, type Ending } from './job-ending';

/** What the attempts of one job share: its start, and whether its RUNNING is published yet. */
interface AttemptState {
  readonly startTime: Date;
  /** RUNNING was published (by an earlier attempt). */
  announced?: boolean;
}

/** A job still running after this long is marked RUNNING in Postgres. */
const RUNNING_WRITE_DELAY_MS = 50;

/** Runs the context's jobs in its executor and records how they end. */
export class JobRunService {
  private readonly logger = new Logger(JobRunService.name);
  /** Jobs claimed here that have not ended yet. */
  private readonly claimed = new Set<string>();
  /** Jobs asked to stop, with the message they end KILLED with. */
  private readonly cancelled = new Map<string, string>();
  /** Cancelled jobs whose signal was aborted in the executor. */
  private readonly aborted = new Set<string>();
  /** Watchdogs of the jobs whose `validate` runs. */
  private readonly watchdogs = new Map<string, NodeJS.Timeout>();
  /** Jobs whose `validate` outlived validate-timeout + kill-grace: the executor was replaced for them. */
  private readonly validateOverran = new Set<string>();
  /** The executor replacement in progress, if any. */
  private replacing: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly details: JobDetailWriters;
  /** Concurrent ends share one statement and one Redis call (see recordEnding). */
  private readonly endings: GroupCommit<JobEndingOf, boolean>;
  private context: ContextRecord | undefined;
  private stopping = false;

  constructor(
    private readonly config: ServerConfig,
    private readonly jobLifecycle: JobLifecycle,
    private readonly bundles: BundleCacheService,
    private readonly executors: ExecutorService,
    private readonly claims: JobClaims,
  ) {
    this.details = new JobDetailWriters(reportLimits(config), jobLifecycle, this.logger);
    const lanes = WORKER_END_LANES;
    this.endings = new GroupCommit((endings) => jobLifecycle.endMany(endings, 'background'), { lanes, maxBatch: 100 });
    executors.onReports = (jobId, events, dropped) => this.details.add(jobId, events, dropped);
  }

  attach(context: ContextRecord): void {
    this.context = context;
  }

  run(message: ContextJobMessage): Promise<void> {
    const running = this.execute(message).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
    return running;
  }

  /**
   * Aborts a running job's signal; after `kill-grace` a job still running is stopped by
   * replacing the executor. A job claimed but not yet in the executor (its bundle still loading)
   * is not run at all, or aborted as soon as it starts. Returns false if the job is not running here.
   */
  cancel(jobId: string, message = killedError(jobId).message): boolean {
    if (!this.claimed.has(jobId) || this.cancelled.has(jobId)) return false;
    this.cancelled.set(jobId, message);
    if (this.executors.executor.runningJobIds().includes(jobId)) this.abort(jobId, message);
    return true;
  }

  /**
   * For a context stop: from now on every job ends KILLED. Aborts the running jobs' signals and
   * resolves once they have returned, or after `graceMs` (the caller then stops the executor).
   */
  async abortAll(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const jobId of this.claimed) {
      const message = killedError(jobId).message;
      this.cancelled.set(jobId, message);
      this.aborted.add(jobId);
      if (this.executors.executor.runningJobIds().includes(jobId)) this.executors.executor.cancel(jobId, message);
    }
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([this.settled(), grace]);
    clearTimeout(timer);
  }

  /** Resolves when the jobs in flight have ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async execute(message: ContextJobMessage): Promise<void> {
    const context = this.context!;
    const { jobId } = message;
    if (this.stopping) return;
    // Claimed here before Redis says so, so that no cancel can slip in between.
    this.claimed.add(jobId);
    if (!(await this.claims.take(jobId, JobClaims.worker(context.name)))) {
      // Killed while queued, or a re-delivered message of a job that already ran: never run it.
      this.claimed.delete(jobId);
      this.cancelled.delete(jobId);
      return;
    }
    const startTime = new Date();
    const run: AttemptState = { startTime };
    let outcome: JobOutcome;
    // A retried job's log lines are numbered on from the last attempt's.
    let lines = message.firstLogLine ?? 0;
    for (;;) {
      this.details.begin({ ...this.ref(jobId), startTime }, lines);
      outcome = await this.attempt(message, run);
      lines = this.details.lines(jobId);
      // The job's reports are written before its end (or retry): the terminal event is always its last.
      const reporting = this.details.end(jobId);
      if (reporting) await reporting;
      if (!(await this.retried(jobId, message.classPath, outcome))) break;
    }
    const ending = jobEnding(outcome, this.facts(jobId, message.classPath));
    this.claimed.delete(jobId);
    this.cancelled.delete(jobId);
    this.aborted.delete(jobId);
    this.validateOverran.delete(jobId);
    // The end's event shortens the claim; a job ended by someone else meanwhile has none.
    if (!(await this.recordEnding(jobId, ending, startTime))) {
      this.claims.settle(jobId).catch((err: unknown) => this.logger.warn({ err, jobId }, 'shortening the job claim failed'));
    }
    this.logger.log({ jobId, context: context.name, status: ending.status }, 'job ended');
  }

  /** Runs one attempt of a claimed job in the executor; resolves with how it ended there. */
  private async attempt(message: ContextJobMessage, run: AttemptState): Promise<JobOutcome> {
    const context = this.context!;
    const { jobId } = message;
    const { startTime } = run;
    // Postgres hears RUNNING only from jobs that outlive a short delay: a quick job goes from
    // QUEUED to its end in one write (the Redis claim already guards against running it twice).
    // A job no request waits to see start (sync, batch, scheduled) publishes its RUNNING then too,
    // for GET /events and job streams; before its end's publish, on the same connection.
    const running = setTimeout(() => {
      if (message.notifyStart === false && !run.announced) {
        run.announced = true;
        this.jobLifecycle.announceRunning(this.ref(jobId), startTime);
      }
      this.jobLifecycle.running(jobId, startTime).catch((err: unknown) =>
        this.logger.error({ err, jobId, context: context.name }, 'marking the job RUNNING failed'),
      );
    }, RUNNING_WRITE_DELAY_MS);
    const timeoutMs = contextLimits(context.settings).jobTimeoutMs;
    // The executor reports the start only to someone who needs it: an async request waiting for
    // RUNNING, or a job-timeout (a cancel that comes first aborts the job directly).
    const needsStart = message.notifyStart !== false || timeoutMs !== undefined;
    let timer: NodeJS.Timeout | undefined;
    const onStarted = () => {
      // At once: the async request is answered STARTED by this event. Held back to ride with a
      // quick job's end, it waited for the end's write (~7 ms under load); async jobs at 64 in
      // flight ran ~16 % faster without the wait (docs/performance-throughput.md).
      if (message.notifyStart !== false && !run.announced) {
        run.announced = true;
        this.jobLifecycle.announceRunning(this.ref(jobId), startTime);
      }
      const cancelled = this.cancelled.get(jobId);
      if (cancelled !== undefined) this.abort(jobId, cancelled);
      if (timeoutMs) {
        const limit = `${timeoutMs / 1000}s`;
        timer = setTimeout(() => this.cancel(jobId, `Job ${jobId} killed: ran longer than job-timeout=${limit}`), timeoutMs);
      }
    };
    try {
      const entryPath = await this.bundles.entryPath(message.bundleSha);
      const request = { jobId, entryPath, classPath: message.classPath, config: JSON.parse(message.config) };
      // Cancelled while its bundle was loading (or between attempts): it never runs (toEnding makes it KILLED).
      return this.cancelled.has(jobId)
        ? { kind: 'failed', error: errorInfo('JobKilled', this.cancelled.get(jobId)!) }
        : await this.executors.executor.run(request, needsStart ? onStarted : undefined, this.runHooks(message));
    } catch (error) {
      return { kind: 'load-failed', error: toErrorInfo(error) };
    } finally {
      clearTimeout(timer);
      clearTimeout(running);
      clearTimeout(this.watchdogs.get(jobId));
      this.watchdogs.delete(jobId);
    }
  }

  /**
   * Whether the job runs again after an attempt that failed: JobLifecycle.retry decides, from how
   * it failed (attemptFailure: never a killed job, nor one whose validate overran) and the
   * attempts it has left.
   */
  private async retried(jobId: string, classPath: string, outcome: JobOutcome): Promise<boolean> {
    const failure = attemptFailure(outcome, this.facts(jobId, classPath));
    if (!failure) return false;
    const attempt = await this.jobLifecycle.retry(this.ref(jobId), failure).catch((err: unknown) => {
      this.logger.error({ err, jobId, context: this.context?.name }, 'recording the job retry failed; it ends as it failed');
      return null;
    });
    if (attempt === null) return false;
    this.aborted.delete(jobId);
    this.logger.warn({ jobId, context: this.context?.name, attempt, cause: failure.cause, reason: failure.error.message }, 'job attempt failed; running it again');
    return true;
  }

  /**
   * Records a job's end, retrying while Postgres fails (an outage): the job ran, its outcome must
   * not be lost to a restart. Gives up at once when the worker stops.
   * The end is published in the background once recorded (if the job had not ended already), and
   * shortens the job's claim. Jobs that end together are recorded and published together (group
   * commit).
   */
  private recordEnding(jobId: string, ending: Ending, startTime: Date): Promise<boolean> {
    const end = { job: this.ref(jobId), ending, startTime, rejection: ending.rejection, settleClaim: true };
    return retryDuringOutage(
      () => this.endings.run(end),
      () => this.stopping,
      (err) => this.logger.warn({ err, jobId, context: this.context?.name }, 'recording the job end failed; retrying'),
    );
  }

  /** Verifies the bundle before a fresh executor imports it; watches the job's validate while it runs. */
  private runHooks(message: ContextJobMessage): RunHooks {
    const { jobId } = message;
    const context = this.context!.name;
    return {
      verifyBundle: () => this.bundles.verify(message.bundleSha, { app: message.appName, context }),
      // The executor thread times out a validate that hangs; one that spins blocks its timers.
      onValidating: () => {
        const limitMs = this.config.validateTimeoutMs + this.config.killGraceMs;
        this.watchdogs.set(jobId, setTimeout(() => this.onValidateOverrun(jobId), limitMs));
      },
    };
  }

  /** Aborts a cancelled job's signal in the executor (once); replaces the executor if it outlives kill-grace. */
  private abort(jobId: string, message: string): void {
    if (this.aborted.has(jobId)) return;
    this.aborted.add(jobId);
    this.executors.executor.cancel(jobId, message);
    setTimeout(() => {
      this.forceStop(jobId).catch((err: unknown) =>
        this.logger.error({ err, jobId, context: this.context?.name }, 'replacing the executor failed'),
      );
    }, this.config.killGraceMs).unref();
  }

  /** Replaces the executor if the job still runs in it (after kill-grace). */
  private async forceStop(jobId: string): Promise<void> {
    const grace = this.config.killGraceMs / 1000;
    await this.replaceExecutor(
      () => this.executors.executor.runningJobIds().includes(jobId),
      `executor replaced: job ${jobId} did not stop within kill-grace (${grace}s)`,
    );
  }

  /** A validate still running after validate-timeout + kill-grace spins: replace the executor. */
  private onValidateOverrun(jobId: string): void {
    const stillValidating = () => {
      const validating = this.executors.executor.isValidating(jobId);
      if (validating) this.validateOverran.add(jobId);
      return validating;
    };
    const reason = `executor replaced: job ${jobId}: ${validateTimeoutMessage(this.config.validateTimeoutMs)}`;
    this.replaceExecutor(stillValidating, reason).catch((err: unknown) =>
      this.logger.error({ err, jobId, context: this.context?.name }, 'replacing the executor failed'),
    );
  }

  /**
   * Replaces the executor if `needed()` still says so once no other replacement runs. Jobs whose
   * kill-grace ends together share one replacement (it ends them all) instead of each killing the
   * fresh executor again.
   */
  private async replaceExecutor(needed: () => boolean, reason: string): Promise<void> {
    while (this.replacing) await this.replacing.catch(() => undefined);
    if (!needed()) return;
    const replacing = this.executors.restart(reason);
    this.replacing = replacing;
    try {
      await replacing;
    } finally {
      if (this.replacing === replacing) this.replacing = undefined;
    }
  }

  /** What this worker knows of the job's attempt besides its outcome. */
  private facts(jobId: string, classPath: string): AttemptFacts {
    return {
      classPath,
      killed: this.cancelled.get(jobId) ?? (this.stopping ? killedError(jobId).message : undefined),
      validateOverran: this.validateOverran.has(jobId),
      validateTimeoutMs: this.config.validateTimeoutMs,
      maxErrorSize: this.config.maxErrorSize,
    };
  }

  /** The job as the lifecycle names it: in this worker's context. */
  private ref(jobId: string): { jobId: string; context: string; adHoc: boolean } {
    return { jobId, context: this.context!.name, adHoc: this.context!.adHoc };
  }
}
