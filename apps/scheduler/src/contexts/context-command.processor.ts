import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { ContextRepository } from '@jobserver/persistence';
import { assertPayload, RedisNames, type ContextCommand } from '@jobserver/protocol';
import { duplicateRedis, PromptWorker } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { schedulerLocks } from '../infra/scheduler-locks';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';
import { ContextLifecycleService } from './context-lifecycle.service';

/** Consumes the `context-commands` queue: create and stop named contexts. */
@Injectable()
export class ContextCommandProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ContextCommandProcessor.name);
  private worker: PromptWorker<ContextCommand> | undefined;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly contexts: ContextRepository,
    private readonly lifecycle: ContextLifecycleService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new PromptWorker<ContextCommand>(
      this.names.contextCommandQueue,
      async (job) => this.handle(assertPayload<ContextCommand>(job.data, ['type', 'context'], 'context command')),
      {
        connection: duplicateRedis(this.redis, `scheduler-commands:${this.config.instanceId}`),
        prefix: this.config.prefix,
        concurrency: 32,
        ...schedulerLocks(this.config),
      },
    );
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'context command worker error'));
    this.worker.on('stalled', (id) => this.logger.warn({ commandId: id }, 'context command re-delivered: its scheduler stopped renewing its lock'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  private async handle(command: ContextCommand): Promise<void> {
    if (command.type === 'stop') return this.lifecycle.stop(command.context, command.force, command.contextId);
    // A gateway names the life it recorded; start() reads its record (an older command, the live one).
    const { contextId } = command;
    const context = typeof contextId === 'string' ? { id: contextId, name: command.context } : await this.contexts.findLive(command.context);
    if (!context || ('state' in context && context.state !== 'STARTED')) {
      this.logger.warn({ context: command.context }, 'create command for a context that is not STARTED; ignored');
      return;
    }
    const failure = await this.lifecycle.start(context);
    if (failure) this.logger.warn({ context: command.context, reason: failure.message }, 'context failed to start');
  }
}
