import { Inject, Injectable } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { RedisNames, TooManyFailures } from '@jobserver/protocol';
import type Redis from 'ioredis';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';

const WINDOW_SECONDS = 60;

/**
 * Counts failed authentications per client address in Redis (INCR with a 60 s expiry), so the
 * limit holds across every gateway of a cluster: a guesser cannot multiply it by switching
 * gateways. Only failures and cache misses touch Redis; an address over the limit is also
 * remembered here, so its next requests are refused without a round trip.
 */
@Injectable()
export class FailureLimiter {
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly names: RedisNames,
  ) {}

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
    if (Number(count) > this.config.auth.maxFailures) this.block(address, ttl);
  }

  /** Counts a failure; @throws TooManyFailures once the address is past the limit */
  async recordFailure(address: string): Promise<void> {
    const key = this.names.authFailuresKey(address);
    const [[, count], [, ttl]] = (await this.redis.multi().incr(key).ttl(key).exec())! as [
      [null, number],
      [null, number],
    ];
    // The window starts at the first failure; a key left without expiry (a crash in between) gets one.
    if (ttl < 0) await this.redis.expire(key, WINDOW_SECONDS);
    if (count > this.config.auth.maxFailures) this.block(address, ttl < 0 ? WINDOW_SECONDS : ttl);
  }

  private block(address: string, ttlSeconds: number): never {
    const seconds = ttlSeconds > 0 ? ttlSeconds : WINDOW_SECONDS;
    if (this.blockedUntil.size > 10_000) this.blockedUntil.clear();
    this.blockedUntil.set(address, Date.now() + seconds * 1000);
    throw new TooManyFailures(seconds);
  }
}
