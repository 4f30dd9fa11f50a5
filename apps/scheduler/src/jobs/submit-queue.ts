import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { RedisNames, type SubmitMessage } from '@jobserver/protocol';
import { Queue } from 'bullmq';
import { queueOptions } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { ContextQueues } from '../infra/context-queues';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';

/**
 * This scheduler's hand on the `submit` queue, which its ticks and retries feed as gateways do
 * (the job id doubles as the BullMQ id: a job queued twice while its message waits is queued
 * once, and a message routed twice runs once, under its claim).
 */
@Injectable()
export class SubmitQueue implements OnApplicationShutdown {
  private readonly queue: Queue<SubmitMessage>;

  constructor(
    @Inject(SERVER_CONFIG) config: ServerConfig,
    @Inject(REDIS) redis: Redis,
    names: RedisNames,
    private readonly contexts: ContextQueues,
  ) {
    this.queue = new Queue(names.submitQueue, queueOptions(redis, config.prefix));
  }

  async add(messages: readonly SubmitMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.queue.addBulk(
      messages.map((data) => ({ name: 'job', data, opts: { jobId: data.jobId, removeOnComplete: true, removeOnFail: true } })),
    );
  }

  /** Whether a queue still holds the job's message: `submit`, or its context's once routed. */
  async holds(jobId: string, context: string): Promise<boolean> {
    return (await this.queue.getJob(jobId)) !== undefined || (await this.contexts.holds(context, jobId));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
