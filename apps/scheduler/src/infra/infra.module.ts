import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { JobLifecycle } from '@jobserver/persistence';
import { JOB_LIFECYCLE_PROVIDER } from '@jobserver/persistence/nest';
import { EventWaiter, RedisNames } from '@jobserver/protocol';
import { connectRedis, EventBus, JobClaims, type RedisLog, openEventBus } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';

/** What the Redis client tells of its connection (sentinels that do not answer). */
const redisLog: RedisLog = (fields, message) => new Logger('Redis').warn(fields, message);
import { ContextQueues } from './context-queues';
import { SchedulerLeases } from './redis-lease';
import { REDIS, SERVER_CONFIG } from './tokens';

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly bus: EventBus,
    private readonly queues: ContextQueues,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.queues.closeAll(), this.bus.close()]);
    this.redis.disconnect();
  }
}

/** Config, Redis, the event bus and context queues, shared by every scheduler feature. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: ServerConfig): DynamicModule {
    const names = new RedisNames(config.prefix);
    return {
      module: InfraModule,
      providers: [
        { provide: SERVER_CONFIG, useValue: config },
        { provide: RedisNames, useValue: names },
        { provide: REDIS, useFactory: () => connectRedis(config.redis, `scheduler:${config.instanceId}`, { log: redisLog }) },
        {
          provide: EventBus,
          useFactory: (redis: Redis) =>
            openEventBus(redis, names, `scheduler:${config.instanceId}`, { events: true }, (error) =>
              new Logger('EventBus').error(`protocol error: ${error.message}`),
            ),
          inject: [REDIS],
        },
        JOB_LIFECYCLE_PROVIDER,
        { provide: EventWaiter, useFactory: (bus: EventBus) => new EventWaiter(bus), inject: [EventBus] },
        { provide: ContextQueues, useFactory: (redis: Redis) => new ContextQueues(redis, names), inject: [REDIS] },
        // Read only here (which queued jobs a dead context's worker had started): no replica ack.
        { provide: JobClaims, useFactory: (redis: Redis) => new JobClaims(redis, names), inject: [REDIS] },
        {
          provide: SchedulerLeases,
          useFactory: (redis: Redis) => new SchedulerLeases(redis, names, config.instanceId, config.heartbeatIntervalMs),
          inject: [REDIS],
        },
        RedisCloser,
      ],
      exports: [SERVER_CONFIG, RedisNames, REDIS, EventBus, JobLifecycle, EventWaiter, ContextQueues, SchedulerLeases, JobClaims],
    };
  }
}
