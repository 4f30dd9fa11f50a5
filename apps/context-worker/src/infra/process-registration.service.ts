import path from 'node:path';
import type { ServerConfig } from '@jobserver/config';
import { RedisNames } from '@jobserver/protocol';
import { packageVersion, ProcessRegistry } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { ContextHostService } from '../context/context-host.service';

/**
 * Registers this context worker, with the context it hosts, for GET /status while it runs; the
 * context's heartbeat rides each registration beat (one timer and one Redis call a beat).
 */
export class ProcessRegistration {
  private readonly registry: ProcessRegistry;

  constructor(
    config: ServerConfig,
    redis: Redis,
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

  start(): void {
    this.registry.start();
  }

  stop(): Promise<void> {
    return this.registry.stop();
  }
}
