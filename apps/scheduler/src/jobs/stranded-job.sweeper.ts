import { Injectable, Logger } from '@nestjs/common';
import { JobLifecycle, JobRepository } from '@jobserver/persistence';
import { errorInfo } from '@jobserver/protocol';
import { SubmitQueue } from './submit-queue';

/** A QUEUED job this old is checked against the queues. */
const STRANDED_AFTER_MS = 30_000;

/**
 * Ends jobs that were recorded but never handed over: a gateway that died between its INSERT and
 * its `submit` enqueue leaves a QUEUED row that no queue holds. Such a job was never accepted
 * (its client got no answer); it ends ERROR instead of showing QUEUED forever. (A scheduler that
 * died so leaves its tick due: the next scheduler to take the tick queues the job.) Run by the
 * supervising scheduler.
 */
@Injectable()
export class StrandedJobSweeper {
  private readonly logger = new Logger(StrandedJobSweeper.name);

  constructor(
    private readonly jobs: JobRepository,
    private readonly jobLifecycle: JobLifecycle,
    private readonly submitQueue: SubmitQueue,
  ) {}

  async sweep(): Promise<void> {
    for (const job of await this.jobs.queuedBefore(STRANDED_AFTER_MS)) {
      if (await this.submitQueue.holds(job.id, job.contextName)) continue;
      const error = errorInfo('JobLost', 'the job was recorded but never queued (its gateway stopped before handing it over)');
      if (await this.jobLifecycle.end({ jobId: job.id, context: job.contextName }, { status: 'ERROR', error })) {
        this.logger.warn({ jobId: job.id, context: job.contextName }, 'stranded job ended');
      }
    }
  }
}
