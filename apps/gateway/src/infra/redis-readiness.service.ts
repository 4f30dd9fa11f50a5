import { Inject, Injectable } from '@nestjs/common';
import { ServiceUnavailable } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { REDIS } from './tokens';

/**
 * Refuses work that needs Redis while the gateway's connections to it are down, before anything
 * is recorded: ioredis would otherwise queue the commands until Redis is back.
 */
@Injectable()
export class RedisReadiness {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly bus: EventBus,
  ) {}

  /** Whether both connections are up: in-memory states only (no round trip), free on the warm path. */
  isReady(): boolean {
    return this.redis.status === 'ready' && this.bus.ready;
  }

  /** @throws ServiceUnavailable('Redis') when the command or the subscriber connection is not ready */
  assertReady(): void {
    if (!this.isReady()) throw new ServiceUnavailable('Redis');
  }
}
