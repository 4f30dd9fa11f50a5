import { Inject, Injectable, Logger } from '@nestjs/common';
import { contextLimits, type ServerConfig } from '@jobserver/config';
import { ContextRepository, JobRepository, type ContextRecord } from '@jobserver/persistence';
import { EventBus, RedisNames, toErrorInfo } from '@jobserver/protocol';
import type Redis from 'ioredis';
import { hostname } from 'node:os';
import { CONTEXT_ID, REDIS, SERVER_CONFIG } from '../infra/tokens';
import { ContextJobProcessor } from '../jobs/context-job.processor';
import { JobRunService } from '../jobs/job-run.service';
import { ExecutorService } from './executor.service';

/** The life of the one context this process hosts: boot, heartbeat, stop. */
@Injectable()
export class ContextHostService {
  private readonly logger = new Logger(ContextHostService.name);
  private context: ContextRecord | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private resolveStopped!: () => void;
  /** Resolves once the context has stopped and the process may exit. */
  readonly stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(CONTEXT_ID) private readonly contextId: string,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly contexts: ContextRepository,
    private readonly jobs: JobRepository,
    private readonly bus: EventBus,
    private readonly executors: ExecutorService,
    private readonly runs: JobRunService,
    private readonly processor: ContextJobProcessor,
  ) {}

  get name(): string | undefined {
    return this.context?.name;
  }

  /** Starts the executor, the heartbeat and the queue consumer, then reports RUNNING. */
  async boot(): Promise<void> {
    const context = await this.contexts.byId(this.contextId);
    if (!context || context.state !== 'STARTED') throw new Error(`context ${this.contextId} is not waiting for a worker`);
    this.context = context;
    try {
      await this.executors.start(context);
      this.runs.attach(context);
      await this.beat();
      this.heartbeat = setInterval(() => void this.beat(), this.config.heartbeatIntervalMs);
      this.processor.start(context.name, contextLimits(context.settings).maxJobs);
      const worker = `${hostname()}/${process.pid}`;
      if (!(await this.contexts.transition(context.id, ['STARTED'], 'RUNNING', { pid: process.pid, worker }))) {
        throw new Error(`context ${context.name} was stopped while starting`);
      }
      await this.bus.publish({ kind: 'context', context: context.name, contextId: context.id, state: 'RUNNING' });
      this.logger.log({ context: context.name, pid: process.pid }, 'context running');
    } catch (error) {
      await this.failBoot(context, error);
      throw error;
    }
  }

  /** Stops the context: jobs end KILLED, named objects are dropped, the process may exit. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown().finally(() => this.resolveStopped());
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const context = this.context;
    if (!context) return;
    this.logger.log({ context: context.name }, 'stopping context');
    await this.processor.close();
    // Cooperative jobs get their signal and kill-grace to return; the rest are cut off.
    await this.runs.abortAll(this.config.killGraceMs);
    await this.executors.stop();
    await this.runs.settled();
    const killed = await this.jobs.endActiveOfContext(context.name, { status: 'KILLED' });
    for (const jobId of killed) {
      const error = { message: `Job ${jobId} killed`, errorClass: 'JobKilled', stack: [] };
      await this.bus.publish({ kind: 'job', jobId, context: context.name, adHoc: context.adHoc, status: 'KILLED', error });
    }
    clearInterval(this.heartbeat);
    await this.redis.del(this.names.heartbeatKey(context.name));
    if (await this.contexts.end(context.id, 'FINISHED')) {
      await this.bus.publish({ kind: 'context', context: context.name, contextId: context.id, state: 'FINISHED' });
    }
  }

  private async beat(): Promise<void> {
    const key = this.names.heartbeatKey(this.context!.name);
    await this.redis
      .set(key, String(process.pid), 'PX', this.config.heartbeatTimeoutMs)
      .catch((err: unknown) => this.logger.error({ err }, 'heartbeat failed'));
  }

  private async failBoot(context: ContextRecord, cause: unknown): Promise<void> {
    const error = toErrorInfo(cause);
    this.logger.error({ context: context.name, err: cause }, 'context failed to start');
    clearInterval(this.heartbeat);
    await this.executors.stop().catch(() => undefined);
    if (await this.contexts.end(context.id, 'ERROR', error)) {
      await this.bus.publish({ kind: 'context', context: context.name, contextId: context.id, state: 'ERROR', error });
    }
  }
}
