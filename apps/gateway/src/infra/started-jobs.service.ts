import { Injectable } from '@nestjs/common';
import type { JobStatus } from '@jobserver/protocol';
import { JobClaims } from '@jobserver/protocol/redis';
import { RedisReadiness } from './redis-readiness.service';

/**
 * The one merge of a job's Redis claim with its Postgres row: a job's record says RUNNING once it
 * has run 50 ms (the worker's delayed write); before, its claim says so from its first moment.
 */
@Injectable()
export class StartedJobs {
  constructor(
    private readonly claims: JobClaims,
    private readonly redis: RedisReadiness,
  ) {}

  /** Jobs of `ids` a worker has begun; while Redis is down, none (the records alone answer). */
  of(ids: string[]): Promise<Set<string>> {
    return this.redis.isReady() ? this.claims.started(ids) : Promise.resolve(new Set());
  }

  /** The rows, each QUEUED one a worker has begun shown RUNNING (one Redis read, none without queued rows). */
  async merge<T extends { id: string; status: JobStatus }>(rows: T[]): Promise<T[]> {
    const queued = rows.filter((row) => row.status === 'QUEUED').map((row) => row.id);
    if (!queued.length) return rows;
    const started = await this.of(queued);
    return rows.map((row) => (started.has(row.id) ? { ...row, status: 'RUNNING' as const } : row));
  }
}
