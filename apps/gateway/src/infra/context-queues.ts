import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  queuePriority,
  RedisNames,
  STATEMENT_QUEUE_JOB,
  statementQueueId,
  type ContextJobMessage,
  type ContextStatementMessage,
} from '@jobserver/protocol';
import { Queue } from 'bullmq';
import { queueOptions } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { REDIS } from './tokens';

/** Queues opened at most: beyond, the least recently used one is closed (a queue is one cheap object). */
const MAX_OPEN_QUEUES = 100;

/** A job for a named context's queue, with its priority (0–100). */
export interface ContextQueueEntry {
  message: ContextJobMessage;
  priority?: number;
}

/**
 * The `ctx.<name>` queues the gateway puts jobs of named contexts and console statements on,
 * straight to the context's worker: the scheduler routes only ad-hoc jobs, whose context it
 * creates first. The id of each entry makes a re-add a no-op while it waits.
 */
@Injectable()
export class ContextQueues implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
  ) {}

  /**
   * Queues jobs in the order of their priority, then of their arrival, as the scheduler routes an
   * ad-hoc job (one entry goes by `add`: addBulk's MULTI costs more than a lone script call).
   */
  async addJobs(context: string, entries: readonly ContextQueueEntry[]): Promise<void> {
    const jobs = entries.map(({ message, priority }) => ({
      name: 'job',
      data: message,
      opts: { jobId: message.jobId, priority: queuePriority(priority), removeOnComplete: true, removeOnFail: true },
    }));
    if (jobs.length === 1) await this.queue(context).add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
    else if (jobs.length > 1) await this.queue(context).addBulk(jobs);
  }

  /**
   * Queues a statement behind the context's jobs and statements of priority 50 and up, before
   * those below.
   */
  async addStatement(context: string, message: ContextStatementMessage): Promise<void> {
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
