import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { JobLifecycle, JOB_LIFECYCLE_PROVIDER } from '@jobserver/persistence';
import { RedisNames } from '@jobserver/protocol';
import { connectRedis, EventBus, ReplicaAck, type RedisLog, JobClaims, openEventBus } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';

/** What the Redis client tells of its connection (sentinels that do not answer). */
const redisLog: RedisLog = (fields, message) => new Logger('Redis').warn(fields, message);
import { REDIS, SERVER_CONFIG } from './tokens';

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly bus: EventBus,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    this.redis.disconnect();
  }
}

/** Config, Redis and the event bus (worker control channel) of a context worker. */
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
        { provide: REDIS, useFactory: () => connectRedis(config.redis, `worker:${config.instanceId}`, { log: redisLog }) },
        {
          provide: EventBus,
          useFactory: (redis: Redis) =>
            openEventBus(redis, names, `worker:${config.instanceId}`, { control: true }, (error) =>
              new Logger('EventBus').error(`protocol error: ${error.message}`),
            ),
          inject: [REDIS],
        },
        JOB_LIFECYCLE_PROVIDER,
        RedisCloser,
        { provide: ReplicaAck, useFactory: (redis: Redis) => ReplicaAck.of(config.redis, redis, redisLog), inject: [REDIS] },
        {
          provide: JobClaims,
          useFactory: (redis: Redis, ack: ReplicaAck) => new JobClaims(redis, names, ack),
          inject: [REDIS, ReplicaAck],
        },
      ],
      exports: [ReplicaAck, SERVER_CONFIG, RedisNames, REDIS, EventBus, JobLifecycle, JobClaims],
    };
  }
}
