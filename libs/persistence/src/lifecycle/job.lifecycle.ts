import { endIncrements, killedError, submittedField, sumIncrements, type CounterIncrement, type ErrorInfo, type JobEvent, type JobRejection, type JobStreamEvent } from '@jobserver/protocol';
import { EventBus, type PublishExtras } from '@jobserver/protocol/redis';
import { JobRepository, type EndedJob, type JobEnding, type RetriedJob, type Submission, type SubmittedJob } from '../repositories/job.repository';
import { keptLines, numberedEvents, toDetailBatch, type DetailReport } from './detail-batch';
import type { LogRetention } from './log-retention';

/** The job a transition is about: its id, its context's name, and whether that context is ad hoc. */
export interface JobRef {
  jobId: string;
  context: string;
  adHoc?: boolean;
}

/**
 * How a transition's event goes out once Postgres has it: `await`ed, in the `background`
 * (fire-and-forget, a failure logged: the worker's hot path), or `none` (nobody can hear it).
 */
export type PublishMode = 'await' | 'background' | 'none';

/** Options of {@link JobLifecycle.end}. */
export interface EndOptions {
  /** When the job started running, for a job that ends before it was marked RUNNING. */
  startTime?: Date;
  /** Why it failed before it ran, for the gateways' HTTP answer. */
  rejection?: JobRejection;
  /** @defaultValue 'await' */
  publish?: PublishMode;
  /** The ending worker's claim on the job is shortened with the end (JobClaims, ENDED_CLAIM_TTL_S). */
  settleClaim?: boolean;
}

/** A job's end for {@link JobLifecycle.endMany}: the job, its ending, and the options of {@link JobLifecycle.end}. */
export interface JobEndingOf extends Omit<EndOptions, 'publish'> {
  job: JobRef;
  ending: JobEnding;
}

/** A running job whose details {@link JobLifecycle.record} writes: its ref and when it started. */
export interface RecordingJob extends JobRef {
  startTime: Date;
}

/**
 * How an attempt of a job failed, as whoever saw it tells: its executor thread died under it
 * (exited, out of memory, replaced for another job), its worker process died, or the job threw.
 */
export interface AttemptFailure {
  cause: 'executor-died' | 'worker-died' | 'threw';
  error: ErrorInfo;
}

/**
 * Whether a failed attempt is one a retry may repeat: a death of its executor or worker always,
 * a throw only when the job's error says `retryable: true`. (Whether attempts are left is the
 * job row's to say; a killed job never gets here: it ends KILLED.)
 */
export function isRetryable(failure: AttemptFailure): boolean {
  return failure.cause !== 'threw' || failure.error.retryable === true;
}

/**
 * The one path of a job's transitions and details: each is written to Postgres first and, only
 * if the row changed, published on the event bus (DESIGN: "Postgres before the event"). Events
 * carry the seqs of docs/events.md.
 */
export class JobLifecycle {
  constructor(
    private readonly jobs: JobRepository,
    private readonly bus: EventBus,
    /** Where failed publishes are told (each app passes its logger). */
    private readonly logger: ErrorLog = consoleErrorLog,
  ) {}

  /**
   * Records a submitted job QUEUED (one statement, JobRepository.insertSubmitted), then publishes
   * QUEUED (seq 1) in the background; null (nothing recorded) when its app or context is missing.
   * @returns the bundle sha the job runs
   */
  async submit(job: SubmittedJob, contextOwner: string | null = null): Promise<string | null> {
    return (await this.submitMany([{ job, contextOwner }]))[0]!;
  }

  /** {@link submit} of several jobs: one statement, then their QUEUED events in one Redis call. */
  async submitMany(submissions: readonly Submission[]): Promise<Array<string | null>> {
    const inserted = await this.jobs.insertSubmittedMany(submissions);
    const events: JobEvent[] = [];
    submissions.forEach(({ job }, i) => {
      const row = inserted[i];
      if (!row) return;
      const ref = { jobId: job.id, context: job.contextName, adHoc: job.adHoc, appName: job.appName, classPath: job.classPath };
      events.push({ kind: 'job', ...ref, status: 'QUEUED', seq: 1, time: row.createdAt.toISOString() });
    });
    const counts = sumIncrements(events.map((event): CounterIncrement => [submittedField(event.appName!), 1]));
    this.publish(events, 'background', { counts });
    return inserted.map((row) => row?.bundleSha ?? null);
  }

  /** A waiting worker's warm-up of the job end's statement (JobRepository.warmUp): writes nothing. */
  warmUp(): Promise<void> {
    return this.jobs.warmUp();
  }

  /** QUEUED → RUNNING in Postgres; false if it is no longer queued. Publishes nothing (see {@link announceRunning}). */
  running(jobId: string, startTime: Date): Promise<boolean> {
    return this.jobs.markRunning(jobId, startTime);
  }

  /**
   * Publishes RUNNING in the background: the executor's start, heard by async submits before the
   * (delayed) RUNNING write of {@link running}, so that a quick job costs one write.
   */
  announceRunning(job: JobRef, startTime: Date): void {
    this.publish([runningEvent(job, startTime)], 'background');
  }

  /**
   * Ends a queued or running job, then publishes its end; false (nothing published) if it had
   * already ended. The event of a job with a callback says so (schedulers queue its delivery).
   */
  async end(job: JobRef, ending: JobEnding, options: EndOptions = {}): Promise<boolean> {
    return (await this.endMany([{ job, ending, ...options }], options.publish))[0]!;
  }

  /**
   * {@link end} of several jobs: one statement, then the ends in one Redis call; false for each
   * job that had already ended.
   */
  async endMany(endings: readonly JobEndingOf[], publish: PublishMode = 'await'): Promise<boolean[]> {
    const ended = await this.jobs.endMany(endings.map((e) => ({ id: e.job.jobId, ending: e.ending, startTime: e.startTime })));
    const events: JobEvent[] = [];
    const counts: CounterIncrement[] = [];
    const settleClaimsOf: string[] = [];
    endings.forEach(({ job, ending, rejection, settleClaim }, i) => {
      const row = ended[i];
      if (!row) return;
      const { status, result, error } = ending;
      events.push({ kind: 'job', ...job, status, result: result ?? undefined, error: error ?? undefined, rejection, ...endFields(row) });
      counts.push(...endIncrements(status, row));
      if (settleClaim) settleClaimsOf.push(job.jobId);
    });
    await this.publish(events, publish, { counts: sumIncrements(counts), settleClaimsOf });
    return ended.map((row) => row !== null);
  }

  /**
   * Ends every queued or running job of a context (killed ones with their own `Job <id> killed`
   * unless `error` is given), then publishes each end in turn; returns their ids. With
   * `contextId`, only the jobs of that life of the name (see JobRepository.endActiveOfContext);
   * those of `except` (retried ones, {@link retryActiveOfAdHoc}) are left alone. `claimed` says
   * which of the QUEUED ones a worker had started all the same (JobClaims.started): a worker
   * announces RUNNING before it writes it, so those end as jobs that ran (a running event, then
   * the end), as their streams and async answers were told.
   */
  async endActiveOfContext(
    context: { name: string; adHoc?: boolean },
    status: 'KILLED' | 'ERROR',
    error?: ErrorInfo,
    contextId?: string,
    except: readonly string[] = [],
    claimed?: (jobIds: readonly string[]) => Promise<ReadonlySet<string>>,
  ): Promise<string[]> {
    const started = claimed ? [...(await claimed(await this.jobs.queuedOfContext(context.name, contextId, except)))] : [];
    const ended = await this.jobs.endActiveOfContext(context.name, { status, error }, contextId, except, started);
    const events = ended.map(
      (job): JobEvent => ({ kind: 'job', jobId: job.id, context: context.name, adHoc: context.adHoc, status, error: error ?? killedError(job.id), ...endFields(job) }),
    );
    await this.publish(events, 'await', { counts: sumIncrements(ended.flatMap((job) => endIncrements(status, job))) });
    return ended.map((job) => job.id);
  }

  /**
   * Begins the next attempt of a job whose attempt failed in a worker that runs it again at once
   * (its executor died, or it threw a retryable error), if {@link isRetryable} and the job has
   * attempts left (`retries`): `attempt` + 1 and a `retry` event, written, then published on the
   * detail channel in the background. A sync request keeps waiting: no end is published.
   * @returns the number of the attempt that begins, or null: the job is to end as it failed
   */
  async retry(job: JobRef, failure: AttemptFailure): Promise<number | null> {
    if (!isRetryable(failure)) return null;
    const retried = await this.jobs.retry(job.jobId, failure.error);
    if (!retried) return null;
    this.publishRetries([retried], failure.error, job.context);
    return retried.attempt;
  }

  /**
   * For an ad-hoc context whose worker died: every job of that life with attempts left goes
   * back to QUEUED with `attempt` + 1 and a `retry` event, and its worker's claim is released,
   * so that a new submission of it (on a fresh ad-hoc context of the same name, the caller's
   * to make) runs it. Call before {@link endActiveOfContext}, which ends the others (given
   * these as its `except`).
   * @returns the jobs to submit again
   */
  async retryActiveOfAdHoc(context: { name: string; id: string }, error: ErrorInfo): Promise<RetriedJob[]> {
    if (!isRetryable({ cause: 'worker-died', error })) return [];
    const retried = await this.jobs.retryActiveOfAdHoc(context.name, error, context.id);
    if (retried.length === 0) return [];
    await this.bus.releaseClaims(retried.map((job) => job.id));
    this.publishRetries(retried, error, context.name);
    return retried;
  }

  private publishRetries(retried: readonly RetriedJob[], error: ErrorInfo, context: string): void {
    for (const job of retried) {
      const event = { seq: job.seq, time: job.time.toISOString(), type: 'retry' as const, attempt: job.attempt, error };
      this.bus
        .publishDetail({ jobId: job.id, events: [event] })
        .catch((err: unknown) => this.logger.error({ err, jobId: job.id, context }, 'publishing a job retry failed'));
    }
  }

  /**
   * Writes a batch of a job's progress, stage and log reports (in call order) in one statement,
   * marking it RUNNING, then publishes them numbered as one JobDetailMessage in the background
   * (on the connection the job's end is published on later, so that they come before it).
   * `retention` is the job's own, across its batches (log-lines-retained).
   * @returns the events as published, or null (nothing written or published) if the job had ended
   */
  async record(job: RecordingJob, reports: readonly DetailReport[], retention: LogRetention): Promise<JobStreamEvent[] | null> {
    if (reports.length === 0) return [];
    const batch = toDetailBatch(reports, retention);
    const base = await this.jobs.recordDetails(job.jobId, job.startTime, batch);
    if (base === null) return null;
    retention.written(batch.keepFromLine, keptLines(batch, base));
    const events = numberedEvents(batch, base);
    this.bus
      .publishDetail({ jobId: job.jobId, events })
      .catch((err: unknown) => this.logger.error({ err, jobId: job.jobId, context: job.context }, 'publishing job details failed'));
    return events;
  }

  /**
   * Publishes transitions' events (in one Redis call) with what goes with them (their metric
   * counters: docs/metrics.md), counted even unheard.
   */
  private async publish(events: readonly JobEvent[], mode: PublishMode, extras: PublishExtras = {}): Promise<void> {
    if (events.length === 0) return;
    if (mode === 'none') {
      // Redis is likely down (why nothing is published): counted if it can be, never waited for.
      if (extras.counts?.length) this.bus.count(extras.counts).catch((err: unknown) => this.logger.error({ err }, 'counting failed'));
      return;
    }
    const publishing = events.length === 1 ? this.bus.publish(events[0]!, extras) : this.bus.publishMany(events, extras);
    if (mode === 'await') {
      await publishing;
      return;
    }
    publishing.catch((err: unknown) => this.logger.error({ err, jobIds: events.map((e) => e.jobId) }, 'publish failed'));
  }
}

/** The RUNNING event of a job that started at `startTime`. */
function runningEvent(job: JobRef, startTime: Date): JobEvent {
  const time = startTime.toISOString();
  return { kind: 'job', ...job, status: 'RUNNING', startTime: time, seq: 2, time };
}

/** What an end statement returned, for the end's event; `callback` only when the job has one (schedulers queue it). */
function endFields(ended: EndedJob): Pick<JobEvent, 'seq' | 'time' | 'appName' | 'classPath' | 'callback'> {
  const fields = { seq: ended.seq, time: ended.endTime.toISOString(), appName: ended.appName, classPath: ended.classPath };
  return ended.callback ? { ...fields, callback: true } : fields;
}

/** What {@link JobLifecycle} logs to: Nest's `Logger` and the context worker's both fit. */
export interface ErrorLog {
  error(fields: object, message: string): void;
}

/** Without an app's logger: one JSON line on stderr. */
const consoleErrorLog: ErrorLog = {
  error: (fields, message) => process.stderr.write(`${JSON.stringify({ level: 'error', context: 'JobLifecycle', msg: message, ...errorFields(fields) })}\n`),
};

function errorFields(fields: object): object {
  const { err, ...rest } = fields as { err?: unknown };
  return err instanceof Error ? { ...rest, err: { message: err.message, stack: err.stack } } : fields;
}
