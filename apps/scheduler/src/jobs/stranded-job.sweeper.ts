import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { JobLifecycle, JobRepository } from '@jobserver/persistence';
import { errorInfo, RedisNames } from '@jobserver/protocol';
import { Queue } from 'bullmq';
import { queueOptions } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { ContextQueues } from '../infra/context-queues';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';

/** A QUEUED job this old is checked against the queues. */
const STRANDED_AFTER_MS = 30_000;

/**
 * Ends jobs that were recorded but never handed over: a gateway that died between its INSERT and
 * its `submit` enqueue leaves a QUEUED row that no queue holds. Such a job was never accepted
 * (its client got no answer); it ends ERROR instead of showing QUEUED forever. Run by the
 * supervising scheduler.
 */
@Injectable()
export class StrandedJobSweeper implements OnApplicationShutdown {
  private readonly logger = new Logger(StrandedJobSweeper.name);
  private readonly submitQueue: Queue;

  constructor(
    @Inject(SERVER_CONFIG) config: ServerConfig,
    @Inject(REDIS) redis: Redis,
    names: RedisNames,
    private readonly jobs: JobRepository,
    private readonly jobLifecycle: JobLifecycle,
    private readonly queues: ContextQueues,
  ) {
    this.submitQueue = new Queue(names.submitQueue, queueOptions(redis, config.prefix));
  }

  async sweep(): Promise<void> {
    for (const job of await this.jobs.queuedBefore(STRANDED_AFTER_MS)) {
      const held = (await this.submitQueue.getJob(job.id)) || (await this.queues.holds(job.contextName, job.id));
      if (held) continue;
      const error = errorInfo('JobLost', 'the job was recorded but never queued (its gateway stopped before handing it over)');
      if (await this.jobLifecycle.end({ jobId: job.id, context: job.contextName }, { status: 'ERROR', error })) {
        this.logger.warn({ jobId: job.id, context: job.contextName }, 'stranded job ended');
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.submitQueue.close();
  }
}
