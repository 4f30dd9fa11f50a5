import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { JobLifecycle } from '@jobserver/persistence';
import { JOB_LIFECYCLE_PROVIDER } from '@jobserver/persistence/nest';
import { EventWaiter, RedisNames } from '@jobserver/protocol';
import { connectRedis, EventBus, ReplicaAck, type RedisLog, JobClaims, openEventBus, queueOptions } from '@jobserver/protocol/redis';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';

/** What the Redis client tells of its connection (sentinels that do not answer). */
const redisLog: RedisLog = (fields, message) => new Logger('Redis').warn(fields, message);

import { ContextQueues } from './context-queues';
import { RedisReadiness } from './redis-readiness.service';
import { StartedJobs } from './started-jobs.service';
import { CONTEXT_COMMAND_QUEUE, REDIS, SERVER_CONFIG, SUBMIT_QUEUE } from './tokens';

/**
 * The longest a request waits on a Redis command sent on a connection that died without a word:
 * it then fails and the error filter answers 503. (A known drop fails commands at once.)
 */
const REDIS_COMMAND_TIMEOUT_MS = 5000;

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SUBMIT_QUEUE) private readonly submit: Queue,
    @Inject(CONTEXT_COMMAND_QUEUE) private readonly commands: Queue,
    private readonly bus: EventBus,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.submit.close(), this.commands.close(), this.bus.close()]);
    this.redis.disconnect();
  }
}

/** Config, Redis, queues and the event bus, shared by every gateway feature. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: ServerConfig): DynamicModule {
    const names = new RedisNames(config.prefix);
    const queue = (name: string) => (redis: Redis) =>
      new Queue(name, queueOptions(redis, config.prefix));
    return {
      module: InfraModule,
      providers: [
        { provide: SERVER_CONFIG, useValue: config },
        { provide: RedisNames, useValue: names },
        {
          provide: REDIS,
          useFactory: () =>
            connectRedis(config.redis, `gateway:${config.instanceId}`, {
              commandTimeoutMs: REDIS_COMMAND_TIMEOUT_MS,
              failWhileDisconnected: true,
              log: redisLog,
            }),
        },
        { provide: SUBMIT_QUEUE, useFactory: queue(names.submitQueue), inject: [REDIS] },
        { provide: CONTEXT_COMMAND_QUEUE, useFactory: queue(names.contextCommandQueue), inject: [REDIS] },
        {
          provide: EventBus,
          useFactory: (redis: Redis) =>
            openEventBus(redis, names, `gateway:${config.instanceId}`, { events: true, details: true, auth: config.auth.enabled }, (error) =>
              new Logger('EventBus').error(`protocol error: ${error.message}`),
            ),
          inject: [REDIS],
        },
        JOB_LIFECYCLE_PROVIDER,
        { provide: EventWaiter, useFactory: (bus: EventBus) => new EventWaiter(bus), inject: [EventBus] },
        ContextQueues,
        RedisCloser,
        RedisReadiness,
        StartedJobs,
        { provide: ReplicaAck, useFactory: (redis: Redis) => ReplicaAck.of(config.redis, redis, redisLog), inject: [REDIS] },
        {
          provide: JobClaims,
          useFactory: (redis: Redis, ack: ReplicaAck) => new JobClaims(redis, names, ack),
          inject: [REDIS, ReplicaAck],
        },
      ],
      exports: [ContextQueues, ReplicaAck, SERVER_CONFIG, RedisNames, REDIS, SUBMIT_QUEUE, CONTEXT_COMMAND_QUEUE, EventBus, JobLifecycle, EventWaiter, JobClaims, RedisReadiness, StartedJobs],
    };
  }
}
