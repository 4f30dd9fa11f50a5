import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { assertPayload, RedisNames, type SubmitMessage } from '@jobserver/protocol';
import { duplicateRedis, PromptWorker } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { schedulerLocks } from '../infra/scheduler-locks';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';
import { JobRouterService } from './job-router.service';

const SUBMIT_FIELDS = ['jobId', 'context', 'appName', 'bundleSha', 'classPath', 'config'] as const;
/** Submits handled at once; most wait on I/O (ad-hoc contexts wait for their worker). */
const CONCURRENCY = 64;

/** Consumes the `submit` queue. */
@Injectable()
export class SubmitProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SubmitProcessor.name);
  private worker: PromptWorker<SubmitMessage> | undefined;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly router: JobRouterService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new PromptWorker<SubmitMessage>(
      this.names.submitQueue,
      async (job) => {
        try {
          // A message whose scheduler died (or stalled) is handled again: its job may have run meanwhile.
          const redelivered = job.attemptsStarted > 1 || job.stalledCounter > 0;
          await this.router.route(assertPayload<SubmitMessage>(job.data, SUBMIT_FIELDS, 'submit message'), redelivered);
        } catch (error) {
          this.logger.error({ err: error, jobId: (job.data as { jobId?: string })?.jobId }, 'submit failed');
          throw error;
        }
      },
      {
        connection: duplicateRedis(this.redis, `scheduler-submit:${this.config.instanceId}`),
        prefix: this.config.prefix,
        concurrency: CONCURRENCY,
        ...schedulerLocks(this.config),
      },
    );
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'submit worker error'));
    // Its scheduler died (or stalled): another one, maybe this one, handles it again.
    this.worker.on('stalled', (jobId) => this.logger.warn({ jobId }, 'submit re-delivered: its scheduler stopped renewing its lock'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
