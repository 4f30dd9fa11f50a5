import type Redis from 'ioredis';
import type { RedisNames } from './names';
import { ReplicaAck } from './replica-ack';

/** How long a claim is kept: longer than any job waits in a queue. */
const CLAIM_TTL_S = 7 * 24 * 3600;
/**
 * How long a worker's claim is kept once its job's end is recorded: long enough to outlive a
 * re-delivery of the job's queue message (BullMQ re-delivers a stalled message after its lock
 * expires, within lockDuration + stalledInterval, 60 s by default), short enough that Redis does
 * not hold a key per job for long: at 1000 jobs a second, 5 minutes of claims are ~40 MB (an
 * hour's were ~470 MB). Set with the job's end event (EventBus.publish's `settleClaimOf`), in the
 * same Redis call.
 */
export const ENDED_CLAIM_TTL_S = 300;
const WORKER_HOLDER = 'context:';

/**
 * Decides once who a job belongs to, with one `SET NX` in Redis: the worker that is about to run
 * it, or a `DELETE` that killed it while it was queued. Whoever comes second backs off: a worker
 * never runs a killed or already started job (a re-delivered message runs nothing twice), and a
 * DELETE that comes second cancels a running job instead.
 */
export class JobClaims {
  /** @param ack makes a claim survive a Sentinel failover before the job runs @defaultValue none */
  constructor(
    private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly ack: ReplicaAck = ReplicaAck.none(),
  ) {}

  /** Which of the jobs a context worker has started (claimed), whatever Postgres says yet. */
  async started(jobIds: readonly string[]): Promise<Set<string>> {
    if (!jobIds.length) return new Set();
    const holders = await this.redis.mget(jobIds.map((id) => this.names.jobClaimKey(id)));
    return new Set(jobIds.filter((_, i) => holders[i]?.startsWith(WORKER_HOLDER)));
  }

  /** The holder name of a context worker. */
  static worker(context: string): string {
    return `${WORKER_HOLDER}${context}`;
  }

  /**
   * Shortens the claim of a job whose end is recorded (see ENDED_CLAIM_TTL_S), when its end event
   * did not do so (the job had been ended by someone else).
   */
  async settle(jobId: string): Promise<void> {
    await this.redis.expire(this.names.jobClaimKey(jobId), ENDED_CLAIM_TTL_S);
  }

  /**
   * Takes the job for `holder`; false if it was taken before. A claim taken is on a replica too
   * (Sentinel mode) before this resolves: a failover cannot forget it and let the job run again.
   */
  async take(jobId: string, holder: string): Promise<boolean> {
    const taken = (await this.redis.set(this.names.jobClaimKey(jobId), holder, 'EX', CLAIM_TTL_S, 'NX')) === 'OK';
    if (taken) await this.ack.confirm();
    return taken;
  }
}
