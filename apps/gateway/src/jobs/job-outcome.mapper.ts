import { Injectable } from '@nestjs/common';
import { JobRepository, type JobRecord, type SubmittedJob } from '@jobserver/persistence';
import {
  ClassPathNotFound,
  ContextNotFound,
  ContextStopping,
  errorInfo,
  killedError,
  ValidationFailed,
  type JobEvent,
} from '@jobserver/protocol';
import { NOT_DONE } from './job.responses';

/** What the controller sends: a status, a body and maybe a Location header. */
export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
  location?: string;
}

/** Turns the event a request waited for (or its absence) into API.md's answers. */
@Injectable()
export class JobOutcomeMapper {
  constructor(private readonly jobs: JobRepository) {}

  /** Sync: the result, the error, or 202 RUNNING with the job id when `timeout` passed. */
  async syncAnswer(jobId: string, event: JobEvent | null): Promise<HttpAnswer> {
    const ended = event ?? (await this.endedFromStore(jobId));
    if (!ended) {
      const job = await this.jobs.byId(jobId);
      return {
        status: 202,
        body: { status: 'RUNNING', result: { jobId, context: job?.contextName } },
        location: `/jobs/${jobId}`,
      };
    }
    this.throwRejection(ended);
    if (ended.status === 'FINISHED') {
      return { status: 200, body: { status: 'OK', result: ended.result === undefined ? null : JSON.parse(ended.result), jobId } };
    }
    const error = ended.error ?? (ended.status === 'KILLED' ? killedError(jobId) : errorInfo('Error', 'job failed'));
    return { status: 200, body: { status: ended.status === 'KILLED' ? 'KILLED' : 'ERROR', result: error, jobId } };
  }

  /**
   * Async: 202 STARTED once validated, QUEUED if still waiting after accept-timeout. The RUNNING
   * event carries the start time, so the usual answer needs no read. Without an event, the row
   * tells only that the job ended (then it had started); its RUNNING says a worker took it, not
   * that `validate` passed (a slow validate is RUNNING too), so it answers QUEUED, unless
   * `runningIsStarted` (an idempotent repeat of a job that runs: its validate passed long ago).
   */
  async asyncAnswer(job: Pick<SubmittedJob, 'id' | 'contextName' | 'classPath'>, event: JobEvent | null, runningIsStarted = false): Promise<HttpAnswer> {
    if (event) this.throwRejection(event);
    let started = event !== null;
    let startTime = event?.startTime;
    if (!startTime) {
      const stored = await this.jobs.byId(job.id);
      if (!stored) throw new Error(`job ${job.id} vanished`);
      if (!event && stored.status !== 'QUEUED') this.throwRejection(storedEvent(stored));
      started ||= stored.status !== 'QUEUED' && (runningIsStarted || stored.status !== 'RUNNING');
      startTime = (stored.startTime ?? stored.createdAt).toISOString();
    }
    return {
      status: 202,
      body: {
        status: started ? 'STARTED' : 'QUEUED',
        result: { jobId: job.id, context: job.contextName },
        jobId: job.id,
        context: job.contextName,
        classPath: job.classPath,
        startTime,
        duration: NOT_DONE,
      },
    };
  }

  private throwRejection(event: JobEvent): void {
    switch (event.rejection) {
      case 'VALIDATION':
        throw new ValidationFailed(event.error ?? errorInfo('ValidationFailed', 'validation failed'));
      case 'CLASS_NOT_FOUND':
        throw new ClassPathNotFound(event.error?.message.replace(/^classPath (.*) not found$/, '$1') ?? '');
      case 'CONTEXT_NOT_FOUND':
        throw new ContextNotFound(event.context);
      case 'CONTEXT_STOPPING':
        throw new ContextStopping();
    }
  }

  /** A missed event (e.g. during a Redis reconnect) is read back from Postgres. */
  private async endedFromStore(jobId: string): Promise<JobEvent | null> {
    const job = await this.jobs.byId(jobId);
    return job && job.status !== 'QUEUED' && job.status !== 'RUNNING' ? storedEvent(job) : null;
  }
}

const REJECTIONS: Record<string, JobEvent['rejection']> = {
  ValidationFailed: 'VALIDATION',
  ClassPathNotFound: 'CLASS_NOT_FOUND',
  ContextNotFound: 'CONTEXT_NOT_FOUND',
  ContextStopping: 'CONTEXT_STOPPING',
};

/** A job row as the event that would have told its state. */
export function storedEvent(job: JobRecord): JobEvent {
  return {
    kind: 'job',
    jobId: job.id,
    context: job.contextName,
    status: job.status,
    result: job.result ?? undefined,
    error: job.error ?? undefined,
    rejection: job.error ? REJECTIONS[job.error.errorClass] : undefined,
  };
}
