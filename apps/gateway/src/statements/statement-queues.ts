import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  queuePriority,
  RedisNames,
  STATEMENT_QUEUE_JOB,
  statementQueueId,
  type ContextStatementMessage,
} from '@jobserver/protocol';
import { Queue } from 'bullmq';
import { queueOptions } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { REDIS } from '../infra/tokens';

/** Queues opened at most: beyond, the least recently used one is closed (a queue is one cheap object). */
const MAX_OPEN_QUEUES = 100;

/**
 * The `ctx.<name>` queues the gateway puts console statements on, straight to the context's
 * worker (the scheduler routes jobs only because it may have to create their context first).
 */
@Injectable()
export class StatementQueues implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
  ) {}

  /**
   * Queues a statement behind the context's jobs and statements of priority 50 and up, before
   * those below (its id makes a re-add a no-op).
   */
  async add(context: string, message: ContextStatementMessage): Promise<void> {
    await this.queue(context).add(STATEMENT_QUEUE_JOB, message, {
      jobId: statementQueueId(message.contextId, message.statementId),
      priority: queuePriority(),
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
  }

  private queue(context: string): Queue {
    let queue = this.queues.get(context);
    if (queue) {
      this.queues.delete(context);
    } else {
      queue = new Queue(this.names.contextQueue(context), queueOptions(this.redis, this.names.prefix));
    }
    this.queues.set(context, queue);
    if (this.queues.size > MAX_OPEN_QUEUES) {
      const [oldest, stale] = this.queues.entries().next().value as [string, Queue];
      this.queues.delete(oldest);
      void stale.close();
    }
    return queue;
  }
}
