import type Redis from 'ioredis';
import { ENDED_CLAIM_TTL_S } from './job-claims';
import type { RedisNames } from './names';
import { ReplicaAck } from './replica-ack';
import { statementQueueId } from './statements';

/** How long a claim is kept: longer than any statement waits in its context's queue. */
const CLAIM_TTL_S = 7 * 24 * 3600;
const RUNNING = 'running:';
const CANCELLED = 'cancelled:';

/**
 * What a statement's claim says while its Postgres row may still say `waiting`: a worker started
 * it at `at` (epoch ms), or a cancel took it at `at` before any worker did.
 */
export interface StatementClaim {
  state: 'running' | 'cancelled';
  at: number;
}

/**
 * Decides once, with one `SET NX` in Redis, who a console statement belongs to: the context
 * worker about to run it, or a cancel that came while it waited (JobClaims does the same for
 * jobs). The worker writes `running` to Postgres only for statements still running after a short
 * delay; until then the claim is what says the statement runs (see {@link read}). Whoever comes
 * second backs off: a worker never runs a cancelled or already started statement, and a cancel
 * that comes second cancels the running statement instead.
 */
export class StatementClaims {
  /** @param ack makes a claim survive a Sentinel failover @defaultValue none */
  constructor(
    private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly ack: ReplicaAck = ReplicaAck.none(),
  ) {}

  /** The id EventBus.publish's `settleClaimsOf` takes to shorten a statement's claim with its end event. */
  static settleId(contextId: string, statementId: number): string {
    return statementQueueId(contextId, statementId);
  }

  /** Takes the statement for the worker that starts it at `started`; false if a cancel or a worker took it before. */
  start(contextId: string, statementId: number, started: number): Promise<boolean> {
    return this.take(contextId, statementId, `${RUNNING}${started}`);
  }

  /**
   * Takes a waiting statement for a cancel at `at`: true if no worker had started it (none will),
   * also when an earlier cancel took it.
   */
  async cancel(contextId: string, statementId: number, at: number): Promise<boolean> {
    if (await this.take(contextId, statementId, `${CANCELLED}${at}`)) return true;
    return (await this.read(contextId, [statementId])).get(statementId)?.state === 'cancelled';
  }

  /** The claims of statements of one context life, by statement id (one `MGET`; none for no ids). */
  async read(contextId: string, statementIds: readonly number[]): Promise<Map<number, StatementClaim>> {
    const claims = new Map<number, StatementClaim>();
    if (!statementIds.length) return claims;
    const values = await this.redis.mget(statementIds.map((id) => this.names.statementClaimKey(contextId, id)));
    statementIds.forEach((id, i) => {
      const claim = parseClaim(values[i]);
      if (claim) claims.set(id, claim);
    });
    return claims;
  }

  /** Shortens the claim of a statement whose end is recorded, when no end event did so (ENDED_CLAIM_TTL_S). */
  async settle(contextId: string, statementId: number): Promise<void> {
    await this.redis.expire(this.names.statementClaimKey(contextId, statementId), ENDED_CLAIM_TTL_S);
  }

  private async take(contextId: string, statementId: number, holder: string): Promise<boolean> {
    const key = this.names.statementClaimKey(contextId, statementId);
    const taken = (await this.redis.set(key, holder, 'EX', CLAIM_TTL_S, 'NX')) === 'OK';
    if (taken) await this.ack.confirm();
    return taken;
  }
}

function parseClaim(value: string | null | undefined): StatementClaim | undefined {
  const state = value?.startsWith(RUNNING) ? 'running' : value?.startsWith(CANCELLED) ? 'cancelled' : undefined;
  if (!state) return undefined;
  const at = Number(value!.slice(state === 'running' ? RUNNING.length : CANCELLED.length));
  return { state, at: Number.isFinite(at) ? at : 0 };
}
