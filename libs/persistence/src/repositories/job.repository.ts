import type { Pool, QueryResult, QueryResultRow } from 'pg';
import type { DataSource, Repository } from 'typeorm';
import {
  JOB_KILLED_CLASS,
  JOB_KILLED_MESSAGE,
  LIVE_CONTEXT_STATES,
  type ErrorInfo,
  type JobDetailEventType,
  type JobProgress,
  type JobStatus,
} from '@jobserver/protocol';
import { JobEntity, type JobStageRecord } from '../entities/job.entity';
import { pgPool } from './pg-pool';

export type JobRecord = JobEntity;
export type NewJob = Pick<JobEntity, 'id' | 'appName' | 'bundleSha' | 'classPath' | 'contextName' | 'adHoc' | 'config'> & {
  /** The principal that submitted it; null (the default) while auth is off. */
  owner?: string | null;
  /** Where its end is POSTed (recorded PENDING); null (the default) for none. */
  callbackUrl?: string | null;
};
export type JobSummary = Omit<JobEntity, 'config' | 'result' | 'error' | `callback${string}`>;
/** A job to record: its bundle is the app's latest version, looked up as it is inserted. */
export type SubmittedJob = Omit<NewJob, 'bundleSha'>;

/** How a job ended. */
export interface JobEnding {
  status: Extract<JobStatus, 'FINISHED' | 'ERROR' | 'KILLED'>;
  result?: string | null;
  error?: ErrorInfo | null;
}

/** A batch of a running job's detail events for {@link JobRepository.recordDetails}, in seq order. */
export interface DetailBatch {
  rows: Array<{ time: string; type: JobDetailEventType; line: number | null; payload: Record<string, unknown> }>;
  /** The batch's latest progress, if any. */
  progress: JobProgress | null;
  /** The stages the batch begins, each but the last ended by the next; the row's last open stage ends at the first. */
  stages: JobStageRecord[] | null;
  /** Lines the job logged in all, as of this batch (its last line + 1); 0 without lines. */
  logLines: number;
  /** Log rows of lines below this are not inserted (over log-lines-retained already). */
  keepFromLine: number;
  /** Deletes the log rows of lines below `belowLine` among the rows from seq `fromSeq` on. */
  trim?: { belowLine: number; fromSeq: number };
}

/** What an end statement tells of the job it ended. */
export interface EndedJob {
  /** The terminal event's seq. */
  seq: number;
  endTime: Date;
  /** When it was submitted and started (the end's, for a job that never ran): for the metrics. */
  createdAt: Date;
  startTime: Date;
  appName: string;
  classPath: string;
  /** Whether it has a completion callback to deliver. */
  callback: boolean;
}

interface EndedRow {
  seq: number;
  end_time: Date;
  created_at: Date;
  start_time: Date;
  app_name: string;
  class_path: string;
  callback: boolean;
}

const ENDED_COLUMNS = 'event_seq AS seq, end_time, created_at, start_time, app_name, class_path, callback_url IS NOT NULL AS callback';
const toEnded = (row: EndedRow): EndedJob => ({
  seq: row.seq,
  endTime: row.end_time,
  createdAt: row.created_at,
  startTime: row.start_time,
  appName: row.app_name,
  classPath: row.class_path,
  callback: row.callback,
});

/**
 * event_seq before an end adds its 1: at least 2 if the job started (its running event), as it is
 * if it ended while QUEUED without having run (killed, rejected, stranded: no running event).
 * `$STARTED` is what else says it started (the worker's start time).
 */
const STARTED_SEQ = `CASE WHEN status = 'RUNNING' OR $STARTED THEN GREATEST(event_seq, 2) ELSE event_seq END`;
/** The job's end ends its last stage (a stage runs until the next begins). */
const CLOSED_STAGES = `CASE WHEN stages IS NULL THEN NULL ELSE jsonb_set(stages, '{-1,endTime}',
  to_jsonb(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) END`;

const LIVE_STATES = LIVE_CONTEXT_STATES.map((state) => `'${state}'`).join(', ');

/** Job records: one row per job, moved QUEUED → RUNNING → FINISHED/ERROR/KILLED. */
export class JobRepository {
  private readonly repo: Repository<JobEntity>;
  private readonly pool: Pool;
  private readonly prepare: boolean;

  /** @param options.prepare name the hot statements (prepared once per connection). @defaultValue false */
  constructor(
    private readonly dataSource: DataSource,
    options: { prepare?: boolean } = {},
  ) {
    this.repo = dataSource.getRepository(JobEntity);
    this.pool = pgPool(dataSource);
    this.prepare = options.prepare ?? false;
  }

  /** A statement of every job's path, named when statements are prepared. */
  private hot<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<QueryResult<R>> {
    return this.pool.query<R>(this.prepare ? { name, text, values } : { text, values });
  }

  /**
   * Records a QUEUED job in one statement: with the latest bundle of its app, and only if its
   * named context is live and not stopping (ad-hoc jobs need no context yet) and, with
   * `contextOwner`, belongs to that principal (auth.isolate-owners).
   * @returns the bundle sha and the job's `created_at`, or null when the app, or a runnable context, is missing
   */
  async insertSubmitted(job: SubmittedJob, contextOwner: string | null = null): Promise<{ bundleSha: string; createdAt: Date } | null> {
    const { rows } = await this.hot<{ bundle_sha: string; created_at: Date }>(
      'jobs.insert-submitted',
      `WITH bundle AS (SELECT sha256 FROM bundles WHERE app_name = $2::varchar ORDER BY upload_time DESC LIMIT 1)
       INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config, owner,
         callback_url, callback_state)
       SELECT $1::uuid, $2::varchar, bundle.sha256, $3::varchar, $4::varchar, $5::boolean, 'QUEUED', $6::text, $7::varchar,
         $9::varchar, CASE WHEN $9::varchar IS NOT NULL THEN 'PENDING' END
       FROM bundle
       WHERE $5::boolean OR EXISTS (SELECT 1 FROM contexts
         WHERE name = $4::varchar AND state IN ('STARTED', 'RUNNING', 'RESTARTING')
           AND ($8::varchar IS NULL OR owner = $8::varchar))
       RETURNING bundle_sha, created_at`,
      [job.id, job.appName, job.classPath, job.contextName, job.adHoc, job.config, job.owner ?? null, contextOwner, job.callbackUrl ?? null],
    );
    return rows[0] ? { bundleSha: rows[0].bundle_sha, createdAt: rows[0].created_at } : null;
  }

  byId(id: string): Promise<JobRecord | null> {
    return this.repo.findOneBy({ id });
  }

  /**
   * QUEUED → RUNNING, started at `startTime` (its running event is seq 2); false if it is no
   * longer queued (it ended, was killed, or a detail write marked it RUNNING already).
   */
  async markRunning(id: string, startTime: Date): Promise<boolean> {
    const { rowCount } = await this.hot(
      'jobs.mark-running',
      `UPDATE jobs SET status = 'RUNNING', start_time = $2, event_seq = GREATEST(event_seq, 2)
       WHERE id = $1 AND status = 'QUEUED'`,
      [id, startTime],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Ends a job that is still queued or running; null if it had already ended. `startTime` is
   * when it started running, for a job that ends before it was marked RUNNING. A job that never
   * started (no `startTime`, still QUEUED) gets a start_time for its report but no running event.
   * @returns its terminal event's seq (docs/events.md), end time, app and classPath
   */
  async end(id: string, ending: JobEnding, startTime?: Date): Promise<EndedJob | null> {
    const { rows } = await this.hot<EndedRow>(
      'jobs.end',
      `UPDATE jobs SET status = $2, result = $3, error = $4, end_time = now(),
         start_time = COALESCE(start_time, $5, now()),
         event_seq = ${STARTED_SEQ.replace('$STARTED', '$5::timestamptz IS NOT NULL')} + 1,
         stages = ${CLOSED_STAGES}
       WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')
       RETURNING ${ENDED_COLUMNS}`,
      [id, ending.status, ending.result ?? null, ending.error ? JSON.stringify(ending.error) : null, startTime ?? null],
    );
    return rows[0] ? toEnded(rows[0]) : null;
  }

  /**
   * Ends every queued or running job of a context (KILLED ones with `killedError(id)`); returns
   * those jobs. With `contextId`, only the jobs of that life of the name: jobs posted after a
   * newer live context took the name belong to it and are left alone.
   */
  async endActiveOfContext(contextName: string, ending: JobEnding, contextId?: string): Promise<Array<EndedJob & { id: string }>> {
    const rows = await this.update(
      `UPDATE jobs SET status = $2::varchar, end_time = now(), start_time = COALESCE(start_time, now()),
         event_seq = ${STARTED_SEQ.replace('$STARTED', 'false')} + 1, stages = ${CLOSED_STAGES},
         error = COALESCE($3::jsonb, CASE WHEN $2::varchar = 'KILLED' THEN jsonb_build_object(
           'message', $5::text || id || $6::text, 'errorClass', $7::text, 'stack', '[]'::jsonb) END)
       WHERE context_name = $1 AND status IN ('QUEUED', 'RUNNING')
         AND ($4::uuid IS NULL OR created_at < COALESCE((SELECT min(c.start_time) FROM contexts c
           WHERE c.name = $1 AND c.id <> $4::uuid AND c.state IN (${LIVE_STATES})), 'infinity'))
       RETURNING id, ${ENDED_COLUMNS}`,
      [
        contextName,
        ending.status,
        ending.error ? JSON.stringify(ending.error) : null,
        contextId ?? null,
        JOB_KILLED_MESSAGE.prefix,
        JOB_KILLED_MESSAGE.suffix,
        JOB_KILLED_CLASS,
      ],
    );
    return rows.map((row) => ({ id: row.id, ...toEnded(row) }));
  }

  /**
   * Writes a batch of detail events of a queued or running job in one statement (docs/events.md):
   * marks it RUNNING (started at `startTime` unless it had started), numbers the rows after its
   * last seq, keeps the latest progress and the stages in its row, trims old log rows.
   * @returns the seq before the batch's first event, or null (nothing written) if the job ended
   */
  async recordDetails(id: string, startTime: Date, batch: DetailBatch): Promise<number | null> {
    const trim = batch.trim
      ? `, trimmed AS (DELETE FROM job_events WHERE job_id = $1::uuid AND seq >= $11::int AND type = 'log'
           AND line < $10::int AND EXISTS (SELECT 1 FROM job))`
      : '';
    const { rows } = await this.hot<{ base: number }>(
      batch.trim ? 'jobs.record-details-trim' : 'jobs.record-details',
      `WITH job AS (
         UPDATE jobs SET status = 'RUNNING', start_time = COALESCE(start_time, $2::timestamptz),
           event_seq = GREATEST(event_seq, 2) + $3::int, progress = COALESCE($4::jsonb, progress),
           stages = CASE WHEN $5::jsonb IS NULL THEN stages
             ELSE COALESCE(jsonb_set(stages, '{-1,endTime}', to_jsonb($6::text)), '[]'::jsonb) || $5::jsonb END,
           log_lines = GREATEST(log_lines, $7::int)
         WHERE id = $1::uuid AND status IN ('QUEUED', 'RUNNING')
         RETURNING event_seq - $3::int AS base
       ), inserted AS (
         INSERT INTO job_events (job_id, seq, time, type, line, payload)
         SELECT $1::uuid, job.base + e.ord, (e.v->>'time')::timestamptz, e.v->>'type', (e.v->>'line')::int, e.v->'payload'
         FROM job, jsonb_array_elements($8::jsonb) WITH ORDINALITY AS e(v, ord)
         WHERE e.v->>'type' <> 'log' OR (e.v->>'line')::int >= $9::int
       )${trim}
       SELECT base FROM job`,
      [
        id,
        startTime,
        batch.rows.length,
        batch.progress ? JSON.stringify(batch.progress) : null,
        batch.stages ? JSON.stringify(batch.stages) : null,
        batch.stages?.[0]?.startTime ?? null,
        batch.logLines,
        JSON.stringify(batch.rows),
        batch.keepFromLine,
        ...(batch.trim ? [batch.trim.belowLine, batch.trim.fromSeq] : []),
      ],
    );
    return rows[0] ? Number(rows[0].base) : null;
  }

  /** Jobs still QUEUED that were recorded more than `ageMs` ago, oldest first. */
  async queuedBefore(ageMs: number, limit = 100): Promise<Array<{ id: string; contextName: string }>> {
    return this.dataSource.query(
      `SELECT id, context_name AS "contextName" FROM jobs
       WHERE status = 'QUEUED' AND created_at < now() - make_interval(secs => $1::float8 / 1000)
       ORDER BY created_at LIMIT $2`,
      [ageMs, limit],
    );
  }

  /** Ids of queued or running jobs of an app. */
  async activeOfApp(appName: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM jobs WHERE app_name = $1 AND status IN ('QUEUED', 'RUNNING') ORDER BY created_at`,
      [appName],
    );
    return rows.map((r) => r.id);
  }

  /** How many jobs of a context are queued or running. */
  async countActive(contextName: string): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM jobs WHERE context_name = $1 AND status IN ('QUEUED', 'RUNNING')`,
      [contextName],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * The queued and running jobs of a context, read in one statement: one snapshot, so that a job
   * moving from QUEUED to RUNNING meanwhile is seen in exactly one of the two states.
   */
  activeOfContext(contextName: string): Promise<Array<{ id: string; status: JobStatus }>> {
    return this.dataSource.query(
      `SELECT id, status FROM jobs WHERE context_name = $1 AND status IN ('QUEUED', 'RUNNING')`,
      [contextName],
    );
  }

  /** Runs an UPDATE … RETURNING id, … (TypeORM answers those with `[rows, affected]`). */
  private async update(sql: string, params: unknown[]): Promise<Array<EndedRow & { id: string }>> {
    const [rows] = (await this.dataSource.query(sql, params)) as [Array<EndedRow & { id: string }>, number];
    return rows;
  }
}
