import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { assertPayload, RedisNames, type CallbackDelivery } from '@jobserver/protocol';
import { DelayedError, Worker } from 'bullmq';
import { duplicateRedis } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { schedulerLocks } from '../infra/scheduler-locks';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';
import { CallbackDeliveryService } from './callback-delivery.service';

/** Deliveries in flight at once per scheduler; each mostly waits on a receiver. */
const CONCURRENCY = 32;

/**
 * Consumes the `callbacks` queue (any scheduler). A callback still pending after an attempt goes
 * back to the queue as a delayed entry, due after `callback-retry-delay`: the wait lives in
 * Redis, not in a timer of this process, so any scheduler makes the next attempt.
 */
@Injectable()
export class CallbackProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CallbackProcessor.name);
  private worker: Worker<CallbackDelivery> | undefined;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly delivery: CallbackDeliveryService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<CallbackDelivery>(
      this.names.callbackQueue,
      async (job, token) => {
        const { jobId } = assertPayload<CallbackDelivery>(job.data, ['jobId'], 'callback delivery');
        if ((await this.delivery.attempt(jobId)) === 'done') return;
        await job.moveToDelayed(Date.now() + this.config.callbacks.retryDelayMs, token);
        throw new DelayedError();
      },
      {
        connection: duplicateRedis(this.redis, `scheduler-callbacks:${this.config.instanceId}`),
        prefix: this.config.prefix,
        concurrency: CONCURRENCY,
        ...schedulerLocks(this.config),
      },
    );
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'callback worker error'));
    this.worker.on('failed', (job, error) =>
      this.logger.error({ err: error, jobId: job?.data?.jobId }, 'callback delivery failed'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
