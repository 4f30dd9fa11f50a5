import { Logger, type Provider } from '@nestjs/common';
import { endIncrements, killedError, submittedField, type ErrorInfo, type JobEvent, type JobRejection, type JobStreamEvent } from '@jobserver/protocol';
import { EventBus, type PublishExtras } from '@jobserver/protocol/redis';
import { JobRepository, type EndedJob, type JobEnding, type SubmittedJob } from '../repositories/job.repository';
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
  /**
   * The job started (its executor said so) but its RUNNING was not announced yet: it goes out
   * just before the end, in the same Redis call (see JobLifecycle.announceRunning).
   */
  announceRunning?: boolean;
  /** The ending worker's claim on the job is shortened with the end (JobClaims, ENDED_CLAIM_TTL_S). */
  settleClaim?: boolean;
}

/** A running job whose details {@link JobLifecycle.record} writes: its ref and when it started. */
export interface RecordingJob extends JobRef {
  startTime: Date;
}

/**
 * The one path of a job's transitions and details: each is written to Postgres first and, only
 * if the row changed, published on the event bus (DESIGN: "Postgres before the event"). Events
 * carry the seqs of docs/events.md.
 */
export class JobLifecycle {
  private readonly logger = new Logger(JobLifecycle.name);

  constructor(
    private readonly jobs: JobRepository,
    private readonly bus: EventBus,
  ) {}

  /**
   * Records a submitted job QUEUED (one statement, JobRepository.insertSubmitted), then publishes
   * QUEUED (seq 1) in the background; null (nothing recorded) when its app or context is missing.
   * @returns the bundle sha the job runs
   */
  async submit(job: SubmittedJob, contextOwner: string | null = null): Promise<string | null> {
    const inserted = await this.jobs.insertSubmitted(job, contextOwner);
    if (!inserted) return null;
    const ref = { jobId: job.id, context: job.contextName, adHoc: job.adHoc, appName: job.appName, classPath: job.classPath };
    const queued: JobEvent = { kind: 'job', ...ref, status: 'QUEUED', seq: 1, time: inserted.createdAt.toISOString() };
    this.publish(queued, 'background', { counts: [[submittedField(job.appName), 1]] });
    return inserted.bundleSha;
  }

  /** QUEUED → RUNNING in Postgres; false if it is no longer queued. Publishes nothing (see {@link announceRunning}). */
  running(jobId: string, startTime: Date): Promise<boolean> {
    return this.jobs.markRunning(jobId, startTime);
  }

  /**
   * Publishes RUNNING in the background: the executor's start, heard by async submits before the
   * (delayed) RUNNING write of {@link running}, so that a quick job costs one write. A job that
   * ends first has it published with its end instead ({@link EndOptions.announceRunning}).
   */
  announceRunning(job: JobRef, startTime: Date): void {
    this.publish(runningEvent(job, startTime), 'background');
  }

  /**
   * Ends a queued or running job, then publishes its end; false (nothing published) if it had
   * already ended. The event of a job with a callback says so (schedulers queue its delivery).
   */
  async end(job: JobRef, ending: JobEnding, options: EndOptions = {}): Promise<boolean> {
    const ended = await this.jobs.end(job.jobId, ending, options.startTime);
    if (!ended) return false;
    const event: JobEvent = {
      kind: 'job',
      ...job,
      status: ending.status,
      result: ending.result ?? undefined,
      error: ending.error ?? undefined,
      rejection: options.rejection,
      ...endFields(ended),
    };
    const before = options.announceRunning && options.startTime ? [runningEvent(job, options.startTime)] : [];
    const extras = { counts: endIncrements(ending.status, ended), before, settleClaimOf: options.settleClaim ? job.jobId : undefined };
    await this.publish(event, options.publish ?? 'await', extras);
    return true;
  }

  /**
   * Ends every queued or running job of a context (killed ones with their own `Job <id> killed`
   * unless `error` is given), then publishes each end in turn; returns their ids. With
   * `contextId`, only the jobs of that life of the name (see JobRepository.endActiveOfContext).
   */
  async endActiveOfContext(
    context: { name: string; adHoc?: boolean },
    status: 'KILLED' | 'ERROR',
    error?: ErrorInfo,
    contextId?: string,
  ): Promise<string[]> {
    const ended = await this.jobs.endActiveOfContext(context.name, { status, error }, contextId);
    for (const job of ended) {
      const jobId = job.id;
      const event: JobEvent = { kind: 'job', jobId, context: context.name, adHoc: context.adHoc, status, error: error ?? killedError(jobId), ...endFields(job) };
      await this.publish(event, 'await', { counts: endIncrements(status, job) });
    }
    return ended.map((job) => job.id);
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

  /** Publishes a transition's event with what goes with it (its metric counters: docs/metrics.md), counted even unheard. */
  private async publish(event: JobEvent, mode: PublishMode, extras: PublishExtras = {}): Promise<void> {
    if (mode === 'none') {
      // Redis is likely down (why nothing is published): counted if it can be, never waited for.
      if (extras.counts?.length) this.bus.count(extras.counts).catch((err: unknown) => this.logger.error({ err }, 'counting failed'));
      return;
    }
    if (mode === 'await') {
      await this.bus.publish(event, extras);
      return;
    }
    this.bus
      .publish(event, extras)
      .catch((err: unknown) => this.logger.error({ err, jobId: event.jobId, context: event.context }, 'publish failed'));
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

/** The Nest provider of {@link JobLifecycle}, for the infra module of each app (which provides the EventBus). */
export const JOB_LIFECYCLE_PROVIDER: Provider = {
  provide: JobLifecycle,
  useFactory: (jobs: JobRepository, bus: EventBus) => new JobLifecycle(jobs, bus),
  inject: [JobRepository, EventBus],
};
