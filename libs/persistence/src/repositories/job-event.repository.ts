import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { pgPool } from './pg-pool';

/** A detail event as stored in `job_events` (docs/events.md): progress, stage, log line or retry. */
export interface StoredJobEvent {
  seq: number;
  time: Date;
  type: 'progress' | 'stage' | 'log' | 'retry';
  /** The event's own fields (`fraction`…, `name`, `line`/`level`/`message`/`fields`, `attempt`/`error`). */
  payload: Record<string, unknown>;
}

/** A retained log line of a job. */
export interface StoredLogLine {
  /** 0-based over all the lines the job logged (retained or not). */
  line: number;
  time: Date;
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/**
 * Reads of `job_events` (the rows are written by the context worker through JobLifecycle): range
 * reads by seq for event replay, and log lines by number. Straight on the pg pool, like the hot
 * job statements: a stream may read a range per gap.
 */
export class JobEventRepository {
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  /**
   * The detail events of a job with `after < seq`, oldest first; at most `limit` of them.
   * @defaultValue limit 10 000
   */
  async after(jobId: string, after: number, limit = 10_000): Promise<StoredJobEvent[]> {
    const { rows } = await this.pool.query<StoredJobEvent & { line: number | null }>(
      `SELECT seq, time, type, line, payload FROM job_events
       WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [jobId, after, limit],
    );
    // A log row's number is its own column (the retention deletes by it): the event carries it.
    return rows.map(({ line, ...event }) => (line === null ? event : { ...event, payload: { line, ...event.payload } }));
  }

  /** At most `size` retained log lines of a job, in order, from the first numbered `from` or later. */
  async logLines(jobId: string, from: number, size: number): Promise<StoredLogLine[]> {
    const { rows } = await this.pool.query<{ line: number; time: Date; payload: Record<string, unknown> }>(
      `SELECT line, time, payload FROM job_events
       WHERE job_id = $1 AND type = 'log' AND line >= $2 ORDER BY line LIMIT $3`,
      [jobId, from, size],
    );
    return rows.map(({ line, time, payload }) => ({
      line,
      time,
      level: String(payload.level ?? 'INFO'),
      message: String(payload.message ?? ''),
      fields: payload.fields as Record<string, unknown> | undefined,
    }));
  }
}
