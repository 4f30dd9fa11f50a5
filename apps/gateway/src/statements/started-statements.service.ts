import { Injectable } from '@nestjs/common';
import type { StatementRecord } from '@jobserver/persistence';
import { StatementClaims } from '@jobserver/protocol/redis';
import { RedisReadiness } from '../infra/redis-readiness.service';

/**
 * The one merge of statements' Redis claims with their Postgres rows: a statement's row says
 * `running` once it has run 50 ms (its worker's delayed write); before, its claim says so from its
 * first moment (StatementClaims), and a `cancelled` claim whose row was not written yet says that.
 */
@Injectable()
export class StartedStatements {
  constructor(
    private readonly claims: StatementClaims,
    private readonly redis: RedisReadiness,
  ) {}

  /** The rows of context life `contextId`, each waiting one shown as its claim says (one Redis read, none without waiting rows). */
  async merge(contextId: string, rows: StatementRecord[]): Promise<StatementRecord[]> {
    const waiting = rows.filter((row) => row.state === 'waiting').map((row) => row.id);
    // While Redis is down the rows alone answer.
    if (!waiting.length || !this.redis.isReady()) return rows;
    const claims = await this.claims.read(contextId, waiting);
    return rows.map((row) => {
      const claim = row.state === 'waiting' ? claims.get(row.id) : undefined;
      if (claim?.state === 'running') return { ...row, state: 'running', started: claim.at };
      if (claim?.state === 'cancelled') return { ...row, state: 'cancelled', completed: claim.at };
      return row;
    });
  }
}
