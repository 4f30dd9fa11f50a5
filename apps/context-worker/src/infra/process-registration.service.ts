import path from 'node:path';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { RedisNames } from '@jobserver/protocol';
import { packageVersion, ProcessRegistry } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { ContextHostService } from '../context/context-host.service';
import { REDIS, SERVER_CONFIG } from './tokens';

/**
 * Registers this context worker, with the context it hosts, for GET /status while it runs; the
 * context's heartbeat rides each registration beat (one timer and one Redis call a beat).
 */
@Injectable()
export class ProcessRegistration implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly registry: ProcessRegistry;

  constructor(
    @Inject(SERVER_CONFIG) config: ServerConfig,
    @Inject(REDIS) redis: Redis,
    names: RedisNames,
    host: ContextHostService,
  ) {
    // dist/infra/… → the app's package.json
    const version = packageVersion(path.resolve(__dirname, '../../package.json'));
    const identity = { role: 'context-worker', instance: config.instanceId, version } as const;
    const contexts = () => {
      const name = host.hostedContext();
      return name ? [name] : [];
    };
    this.registry = new ProcessRegistry(redis, names, identity, config.heartbeatIntervalMs, config.heartbeatTimeoutMs, contexts, (commands) =>
      host.addHeartbeat(commands),
    );
  }

  onApplicationBootstrap(): void {
    this.registry.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.registry.stop();
  }
}
