import type { RedisNames } from '@jobserver/protocol';
import type Redis from 'ioredis';

/** Takes the lease if it is free, or renews it if `owner` holds it; 1 if `owner` holds it now. */
const HOLD = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;

/** Deletes the lease only if `owner` still holds it. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * A time-limited claim on a Redis key, held by one scheduler at a time: whoever takes it does the
 * work, and if its holder dies the lease lapses after `ttlMs`, so another scheduler takes over.
 * Holding and releasing are atomic (a lapsed holder cannot extend or delete a successor's lease).
 */
export class RedisLease {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes or renews the lease; true if this owner holds it. */
  async hold(): Promise<boolean> {
    return (await this.redis.eval(HOLD, 1, this.key, this.owner, String(this.ttlMs))) === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.owner);
  }

  /**
   * Runs `work` if the lease can be taken, renewing it every third of its TTL until the work
   * ends, then releases it.
   * @returns whether the work ran (false: another owner holds the lease)
   */
  async run(work: () => Promise<void>): Promise<boolean> {
    if (!(await this.hold())) return false;
    const renew = setInterval(() => void this.hold().catch(() => undefined), Math.max(this.ttlMs / 3, 50));
    try {
      await work();
    } finally {
      clearInterval(renew);
      await this.release().catch(() => undefined);
    }
    return true;
  }
}

/**
 * The leases schedulers coordinate with, owned by this scheduler's instance id. They lapse after
 * three heartbeat intervals, so the work of a scheduler that died resumes on another one within
 * seconds (a renewal comes every interval).
 */
export class SchedulerLeases {
  readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly owner: string,
    heartbeatIntervalMs: number,
  ) {
    this.ttlMs = heartbeatIntervalMs * 3;
  }

  /** Supervision of heartbeats and ad-hoc clean-up sweeps. */
  supervisor(): RedisLease {
    return new RedisLease(this.redis, this.names.supervisorLeaseKey, this.owner, this.ttlMs);
  }

  /** Starting one context (launch and wait for RUNNING). */
  contextStart(contextId: string): RedisLease {
    return new RedisLease(this.redis, this.names.contextStartLeaseKey(contextId), this.owner, this.ttlMs);
  }

  /** Stopping one ad-hoc context whose job ended. */
  adHocStop(context: string): RedisLease {
    return new RedisLease(this.redis, this.names.adHocStopLeaseKey(context), this.owner, this.ttlMs);
  }
}
