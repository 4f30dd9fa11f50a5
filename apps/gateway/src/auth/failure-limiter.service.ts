import { Inject, Injectable } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { RedisNames, TooManyFailures } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';

const WINDOW_SECONDS = 60;
const MAX_REMEMBERED = 10_000;

/**
 * Counts failed authentications per client address in Redis (INCR, expiring 60 s after the
 * first failure), so the limit holds across every gateway of a cluster: a guesser cannot
 * multiply it by switching gateways. Only failures and cache misses touch Redis. The failure
 * that goes over the limit is announced on the auth channel, so every gateway then refuses the
 * address without a round trip, credentials it has cached included.
 */
@Injectable()
export class FailureLimiter {
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly names: RedisNames,
    private readonly bus: EventBus,
  ) {
    bus.onAuth((notice) => {
      if (notice.type === 'address-blocked') this.remember(notice.address, notice.seconds);
    });
  }

  /** @throws TooManyFailures while `address` is known here to be over the limit */
  assertNotBlocked(address: string): void {
    const until = this.blockedUntil.get(address);
    if (until === undefined) return;
    const left = until - Date.now();
    if (left > 0) throw new TooManyFailures(Math.ceil(left / 1000));
    this.blockedUntil.delete(address);
  }

  /** Before a credential is checked for real: asks Redis too. @throws TooManyFailures */
  async assertAllowed(address: string): Promise<void> {
    this.assertNotBlocked(address);
    const key = this.names.authFailuresKey(address);
    const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.ttl(key)]);
    if (Number(count) > this.config.auth.maxFailures) this.refuse(address, ttl);
  }

  /** Counts a failure. @throws TooManyFailures once the address is past the limit */
  async recordFailure(address: string): Promise<void> {
    const key = this.names.authFailuresKey(address);
    const [[, count], [, ttl]] = (await this.redis.multi().incr(key).ttl(key).exec())! as [
      [null, number],
      [null, number],
    ];
    // The window starts at the first failure; a key left without expiry (a crash in between) gets one.
    if (ttl < 0) await this.redis.expire(key, WINDOW_SECONDS);
    const seconds = ttl > 0 ? ttl : WINDOW_SECONDS;
    if (count === this.config.auth.maxFailures + 1) {
      this.remember(address, seconds);
      await this.bus.publishAuth({ type: 'address-blocked', address, seconds });
    }
    if (count > this.config.auth.maxFailures) this.refuse(address, seconds);
  }

  private refuse(address: string, ttlSeconds: number): never {
    const seconds = ttlSeconds > 0 ? ttlSeconds : WINDOW_SECONDS;
    this.remember(address, seconds);
    throw new TooManyFailures(seconds);
  }

  private remember(address: string, seconds: number): void {
    if (this.blockedUntil.size >= MAX_REMEMBERED) this.blockedUntil.clear();
    this.blockedUntil.set(address, Date.now() + seconds * 1000);
  }
}
