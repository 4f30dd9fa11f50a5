import type { CallbackState, ErrorInfo, JobStatus } from '@jobserver/protocol';
import type { DataSource } from 'typeorm';

/** What a callback delivery needs of its job. */
export interface CallbackJob {
  id: string;
  /** The job's context, for log lines. */
  context: string;
  status: JobStatus;
  /** The serialized result (JSON text) of a finished job; null otherwise or for `undefined`. */
  result: string | null;
  error: ErrorInfo | null;
  url: string;
  state: CallbackState;
  attempts: number;
}

/** A callback's state after an attempt was recorded. */
export interface CallbackProgress {
  state: CallbackState;
  attempts: number;
}

/** Options of {@link CallbackRepository.due}. */
export interface OutboxScan {
  /** A callback never queued is left this long after its job's end to the fast path. */
  unqueuedAfterMs: number;
  /** A callback queued or attempted longer ago than this is queued again (its queue entry may be lost). */
  requeueAfterMs: number;
  /** @defaultValue 100 */
  limit?: number;
}

/**
 * Completion-callback state on job rows (API.md "Completion callbacks"): the outbox a scheduler
 * scans, the row a delivery reads, and each attempt's record.
 */
export class CallbackRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The job and its callback; null for an unknown job or one without a callback. */
  async forDelivery(jobId: string): Promise<CallbackJob | null> {
    const rows: CallbackJob[] = await this.dataSource.query(
      `SELECT id, context_name AS context, status, result, error, callback_url AS url, callback_state AS state, callback_attempts AS attempts
       FROM jobs WHERE id = $1 AND callback_url IS NOT NULL`,
      [jobId],
    );
    return rows[0] ?? null;
  }

  /**
   * Records one attempt of a pending callback: its HTTP status (null: no answer), and the new
   * state: DELIVERED on a 2xx, FAILED once `maxAttempts` are spent, else still PENDING.
   * @returns null when the callback was no longer pending (another delivery recorded its end)
   */
  async recordAttempt(
    jobId: string,
    httpStatus: number | null,
    maxAttempts: number,
  ): Promise<CallbackProgress | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE jobs SET callback_attempts = callback_attempts + 1, callback_last_status = $2::int,
         callback_state = CASE WHEN $2::int BETWEEN 200 AND 299 THEN 'DELIVERED'
           WHEN callback_attempts + 1 >= $3::int THEN 'FAILED' ELSE 'PENDING' END,
         callback_queued_at = now()
       WHERE id = $1 AND callback_state = 'PENDING'
       RETURNING callback_state AS state, callback_attempts AS attempts`,
      [jobId, httpStatus, maxAttempts],
    )) as [CallbackProgress[], number];
    return rows[0] ?? null;
  }

  /**
   * Ended jobs whose callback is pending and that no delivery seems to hold: never queued (the
   * fast path missed it) or queued too long ago; oldest end first.
   */
  async due(scan: OutboxScan): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM jobs
       WHERE callback_state = 'PENDING' AND end_time IS NOT NULL
         AND CASE WHEN callback_queued_at IS NULL THEN end_time < now() - make_interval(secs => $1::float8 / 1000)
           ELSE callback_queued_at < now() - make_interval(secs => $2::float8 / 1000) END
       ORDER BY end_time LIMIT $3`,
      [scan.unqueuedAfterMs, scan.requeueAfterMs, scan.limit ?? 100],
    );
    return rows.map((row) => row.id);
  }

  /** Marks pending callbacks as queued now (the outbox scan handed them to the queue). */
  async markQueued(jobIds: string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE jobs SET callback_queued_at = now() WHERE id = ANY($1::uuid[]) AND callback_state = 'PENDING'`,
      [jobIds],
    );
  }
}
