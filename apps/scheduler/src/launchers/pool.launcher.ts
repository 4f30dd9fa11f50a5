import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import type { ContextRecord } from '@jobserver/persistence';
import { RedisNames, type ContextClaim } from '@jobserver/protocol';
import { EventBus, queueOptions } from '@jobserver/protocol/redis';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';
import { startTimeoutMessage, type Launcher, type LaunchedWorker } from './launcher';

/**
 * How long a taken claim is kept: a re-delivered create command then finds it and adds no second
 * claim, so two workers never boot the same context.
 */
const CLAIM_RETENTION_S = 3600;
/** How often a kill is re-sent while the worker's heartbeat is still there. */
const KILL_RESEND_MS = 250;
/** States of a claim no worker has taken yet. */
const PENDING = ['waiting', 'prioritized', 'delayed', 'paused'];

/**
 * Contexts run on context workers the orchestrator started (`docker compose up --scale
 * context-worker=N`): `launch` queues a claim (job id = context id) on `context-claims`, and
 * exactly one idle worker takes it. This scheduler cannot signal those processes: a kill is a
 * worker-control message, and a worker is alive while its heartbeat is.
 */
@Injectable()
export class PoolLauncher implements Launcher, OnApplicationShutdown {
  private readonly logger = new Logger(PoolLauncher.name);
  private readonly claims: Queue<ContextClaim>;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly bus: EventBus,
  ) {
    this.claims = new Queue(names.contextClaimQueue, queueOptions(redis, names.prefix));
  }

  async launch(context: ContextRecord): Promise<LaunchedWorker> {
    await this.claims.add(
      'claim',
      { contextId: context.id, context: context.name },
      {
        jobId: context.id,
        removeOnComplete: { age: CLAIM_RETENTION_S },
        removeOnFail: { age: CLAIM_RETENTION_S },
      },
    );
    this.logger.log({ context: context.name }, 'context waiting for an idle pool worker');
    return { worker: 'pool', pid: undefined, exited: new Promise<string>(() => undefined) };
  }

  async abandonStart(context: ContextRecord): Promise<string> {
    const timeoutMs = this.config.contextCreationTimeoutMs;
    const state = await this.claims.getJobState(context.id);
    // remove() answers 0 for a claim a worker has just locked: then a worker did take it.
    if (PENDING.includes(state) && (await this.claims.remove(context.id)) === 1) {
      return startTimeoutMessage(`no idle context worker claimed context ${context.name}`, timeoutMs);
    }
    return startTimeoutMessage(`the context worker that claimed context ${context.name} did not start it`, timeoutMs);
  }

  /** Withdraws a claim not taken yet, then makes the hosting worker exit; resolves once its heartbeat is gone. */
  async kill(context: ContextRecord): Promise<void> {
    await this.claims.remove(context.id).catch(() => 0);
    const until = Date.now() + this.config.heartbeatTimeoutMs + KILL_RESEND_MS;
    while (await this.isAlive(context)) {
      if (Date.now() > until) {
        this.logger.warn({ context: context.name }, 'pool worker still beats after kill; giving up on it');
        return;
      }
      await this.bus.sendControl({ type: 'kill', context: context.name, contextId: context.id });
      await new Promise((resolve) => setTimeout(resolve, KILL_RESEND_MS));
    }
  }

  /** The worker of this life of the context beats (heartbeat value = context id). */
  async isAlive(context: ContextRecord): Promise<boolean> {
    return (await this.redis.get(this.names.heartbeatKey(context.name))) === context.id;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.claims.close();
  }
}
