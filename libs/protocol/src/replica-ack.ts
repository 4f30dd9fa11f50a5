import type Redis from 'ioredis';
import type { RedisLog, RedisTarget } from './redis-client';

/** How long a write waits for a replica's acknowledgement before going on without it. */
const ACK_TIMEOUT_MS = 1000;
const LOG_EVERY_MS = 10_000;

/**
 * Makes the writes that decide a job's fate survive a Sentinel failover: Redis replicates
 * asynchronously, so a write the old master acknowledged just before it died can be missing on
 * the replica that Sentinel promotes. {@link confirm} waits (`WAIT 1`) until one replica holds
 * every write made so far on the connection; Sentinel promotes the replica with the most recent
 * data. Used where a job is accepted (its submit message) and where a worker claims it. Without
 * Sentinel (one server, or a Cluster) it does nothing. If no replica answers within a second the
 * write goes on unconfirmed (Redis stays available; the shortfall is logged).
 */
export class ReplicaAck {
  private lastLogged = 0;

  private constructor(
    private readonly redis: Redis | undefined,
    private readonly log: RedisLog,
  ) {}

  /** The acknowledgement of `target`'s writes on `redis`: real in Sentinel mode, free otherwise. */
  static of(target: RedisTarget, redis: Redis, log: RedisLog = () => undefined): ReplicaAck {
    return new ReplicaAck(
      typeof target === 'object' && target.mode === 'sentinel' ? redis : undefined,
      log,
    );
  }

  /** A no-op acknowledgement (tests, standalone Redis). */
  static none(): ReplicaAck {
    return new ReplicaAck(undefined, () => undefined);
  }

  /** Resolves once a replica holds the connection's writes so far, or after the timeout. */
  async confirm(): Promise<void> {
    if (!this.redis) return;
    const replicas = await this.redis.wait(1, ACK_TIMEOUT_MS);
    if (replicas >= 1 || Date.now() - this.lastLogged < LOG_EVERY_MS) return;
    this.lastLogged = Date.now();
    this.log(
      { timeoutMs: ACK_TIMEOUT_MS },
      'no Redis replica acknowledged a job write: a failover now could lose it',
    );
  }
}
