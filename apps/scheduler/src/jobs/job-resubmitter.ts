import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import type { RetriedJob } from '@jobserver/persistence';
import { RedisNames, type SubmitMessage } from '@jobserver/protocol';
import { Queue } from 'bullmq';
import { queueOptions } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';

/**
 * Submits again the jobs of an ad-hoc context whose worker died and that have attempts left
 * (JobLifecycle.retryActiveOfAdHoc): each goes back on the `submit` queue as its gateway first
 * put it, so that a scheduler creates a fresh ad-hoc context of the same name (with the same
 * settings) and routes it there.
 */
@Injectable()
export class JobResubmitter implements OnApplicationShutdown {
  private readonly submitQueue: Queue<SubmitMessage>;

  constructor(@Inject(SERVER_CONFIG) config: ServerConfig, @Inject(REDIS) redis: Redis, names: RedisNames) {
    this.submitQueue = new Queue(names.submitQueue, queueOptions(redis, config.prefix));
  }

  /** Queues the retried jobs of the ad-hoc context `context` (its settings are the new context's). */
  async resubmit(context: { name: string; settings: Record<string, unknown> }, jobs: readonly RetriedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.submitQueue.addBulk(
      jobs.map((job) => ({
        name: 'job',
        data: {
          jobId: job.id,
          context: context.name,
          adHoc: true,
          settings: context.settings,
          appName: job.appName,
          bundleSha: job.bundleSha,
          classPath: job.classPath,
          config: job.config,
          owner: job.owner,
          // Nobody waits for its RUNNING any more: sync requests wait for its end.
          notifyStart: false,
          priority: job.priority,
          firstLogLine: job.logLines,
        } satisfies SubmitMessage,
        opts: { jobId: job.id, removeOnComplete: true, removeOnFail: true },
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.submitQueue.close();
  }
}
