import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { CallbackRepository } from '@jobserver/persistence';
import { RedisNames, TERMINAL_JOB_STATUSES, type CallbackDelivery } from '@jobserver/protocol';
import { EventBus, queueOptions } from '@jobserver/protocol/redis';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';

/** A callback no scheduler queued is left this long after its job's end to the fast path. */
const UNQUEUED_AFTER_MS = 3_000;
/** Margin past an attempt's longest wait (retry delay + timeout) before its queue entry counts as lost. */
const REQUEUE_MARGIN_MS = 30_000;

/**
 * Hands due callbacks to the `callbacks` queue (BullMQ job id = the job id, so queueing one twice
 * is harmless). Fast path: every scheduler hears the end event of a job with a callback and
 * queues it at once. Safety net: the supervising scheduler's {@link sweep} queues, from the
 * Postgres outbox, the ended jobs whose callback is pending and that no queue entry seems to hold
 * (its end event was missed, the entry was lost, a scheduler died).
 */
@Injectable()
export class CallbackOutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CallbackOutboxService.name);
  private readonly queue: Queue<CallbackDelivery>;
  private unsubscribe: (() => void) | undefined;
  private sweeping = false;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(REDIS) redis: Redis,
    names: RedisNames,
    private readonly callbacks: CallbackRepository,
    private readonly bus: EventBus,
  ) {
    this.queue = new Queue<CallbackDelivery>(names.callbackQueue, queueOptions(redis, config.prefix));
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.bus.onEvent((event) => {
      if (event.kind !== 'job' || !event.callback || !TERMINAL_JOB_STATUSES.includes(event.status))
        return;
      this.enqueue(event.jobId).catch((err: unknown) =>
        this.logger.error(
          { err, jobId: event.jobId },
          'callback not queued; the outbox sweep will',
        ),
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.queue.close();
  }

  /** Queues the outbox's due callbacks and marks them queued; one sweep at a time. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const { retryDelayMs, timeoutMs } = this.config.callbacks;
      const due = await this.callbacks.due({
        unqueuedAfterMs: UNQUEUED_AFTER_MS,
        requeueAfterMs: retryDelayMs + timeoutMs + REQUEUE_MARGIN_MS,
      });
      if (!due.length) return;
      for (const jobId of due) await this.enqueue(jobId);
      await this.callbacks.markQueued(due);
      this.logger.log({ jobs: due.length }, 'outbox: pending callbacks queued');
    } catch (err) {
      this.logger.error({ err }, 'callback outbox sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private async enqueue(jobId: string): Promise<void> {
    // Entries leave the queue once done: Postgres, not BullMQ, remembers a delivered callback.
    await this.queue.add(
      'deliver',
      { jobId },
      { jobId, removeOnComplete: true, removeOnFail: true },
    );
  }
}
