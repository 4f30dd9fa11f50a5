import path from 'node:path';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { RedisNames } from '@jobserver/protocol';
import { packageVersion, ProcessRegistry } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { REDIS, SERVER_CONFIG } from './tokens';

/** Registers this scheduler for GET /status while it runs (unregistered before Redis closes). */
@Injectable()
export class ProcessRegistration implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly registry: ProcessRegistry;

  constructor(@Inject(SERVER_CONFIG) config: ServerConfig, @Inject(REDIS) redis: Redis, names: RedisNames) {
    // dist/infra/… → the app's package.json
    const version = packageVersion(path.resolve(__dirname, '../../package.json'));
    const identity = { role: 'scheduler', instance: config.instanceId, version } as const;
    this.registry = new ProcessRegistry(redis, names, identity, config.heartbeatIntervalMs, config.heartbeatTimeoutMs);
  }

  onApplicationBootstrap(): void {
    this.registry.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.registry.stop();
  }
}
