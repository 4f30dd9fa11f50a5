import { queuePriority, type ContextJobMessage, type RedisNames } from '@jobserver/protocol';
import { Queue } from 'bullmq';
import { queueOptions } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';

/** The `ctx.<name>` queues this scheduler routes to, opened on first use. */
export class ContextQueues {
  private readonly queues = new Map<string, Queue<ContextJobMessage>>();

  constructor(
    private readonly redis: Redis,
    private readonly names: RedisNames,
  ) {}

  /**
   * Adds a job to its context's queue (the job id doubles as the BullMQ id: no duplicates), in
   * the order of its priority, then of its arrival.
   */
  async route(context: string, message: ContextJobMessage, priority?: number): Promise<void> {
    await this.queue(context).add('job', message, {
      jobId: message.jobId,
      priority: queuePriority(priority),
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** Whether the context's queue still holds the job (waiting, delayed or active). */
  async holds(context: string, jobId: string): Promise<boolean> {
    return (await this.queue(context).getJob(jobId)) !== undefined;
  }

  /** Deletes a stopped context's queue and everything in it. */
  async drop(context: string): Promise<void> {
    const queue = this.queue(context);
    this.queues.delete(context);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private queue(context: string): Queue<ContextJobMessage> {
    let queue = this.queues.get(context);
    if (!queue) {
      queue = new Queue(this.names.contextQueue(context), queueOptions(this.redis, this.names.prefix));
      this.queues.set(context, queue);
    }
    return queue;
  }
}
