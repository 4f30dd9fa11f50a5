import { Logger, type Provider } from '@nestjs/common';
import { killedError, type ErrorInfo, type JobEvent, type JobRejection } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import { JobRepository, type JobEnding } from '../repositories/job.repository';

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
}

/**
 * The one path of a job's transitions: each is written to Postgres first and, only if the row
 * changed, published on the event bus (DESIGN: "Postgres before the event"). The submit INSERT
 * stays the gateway's one statement (JobRepository.insertSubmitted).
 */
export class JobLifecycle {
  private readonly logger = new Logger(JobLifecycle.name);

  constructor(
    private readonly jobs: JobRepository,
    private readonly bus: EventBus,
  ) {}

  /** QUEUED → RUNNING in Postgres; false if it is no longer queued. Publishes nothing (see {@link announceRunning}). */
  running(jobId: string, startTime: Date): Promise<boolean> {
    return this.jobs.markRunning(jobId, startTime);
  }

  /**
   * Publishes RUNNING in the background: the executor's start, heard by async submits before the
   * (delayed) RUNNING write of {@link running}, so that a quick job costs one write.
   */
  announceRunning(job: JobRef, startTime: Date): void {
    this.publish({ kind: 'job', ...job, status: 'RUNNING', startTime: startTime.toISOString() }, 'background');
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
      callback: ended.callback || undefined,
    };
    await this.publish(event, options.publish ?? 'await');
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
    for (const { id: jobId, callback } of ended) {
      const event: JobEvent = { kind: 'job', jobId, context: context.name, adHoc: context.adHoc, status, error: error ?? killedError(jobId) };
      if (callback) event.callback = true;
      await this.publish(event, 'await');
    }
    return ended.map((job) => job.id);
  }

  private async publish(event: JobEvent, mode: PublishMode): Promise<void> {
    if (mode === 'none') return;
    if (mode === 'await') {
      await this.bus.publish(event);
      return;
    }
    this.bus
      .publish(event)
      .catch((err: unknown) => this.logger.error({ err, jobId: event.jobId, context: event.context }, 'publish failed'));
  }
}

/** The Nest provider of {@link JobLifecycle}, for the infra module of each app (which provides the EventBus). */
export const JOB_LIFECYCLE_PROVIDER: Provider = {
  provide: JobLifecycle,
  useFactory: (jobs: JobRepository, bus: EventBus) => new JobLifecycle(jobs, bus),
  inject: [JobRepository, EventBus],
};
