import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { JOB_KILLED_CLASS, JOB_KILLED_MESSAGE, type ErrorInfo, type JobStatus } from '@jobserver/protocol';
import { hotQuery, pgPool, type SqlSource } from './pg-pool';
import {
  CLOSED_STAGES,
  END_JOB,
  END_JOBS,
  ENDED_COLUMNS,
  endParams,
  INSERT_SUBMITTED,
  JOB_COLUMNS,
  insertParams,
  LIVE_STATES,
  STARTED_SEQ,
  toEnded,
  type EndedRow,
  type Ending,
  type Submission,
} from './job.sql';
import type { DetailBatch, EndedJob, JobEnding, JobRecord, RetriedJob, SubmittedJob } from './job.types';
import { jsonbParam } from './pg-values';

export type { DetailBatch, EndedJob, JobEnding, JobRecord, JobSummary, NewJob, RetriedJob, SubmittedJob } from './job.types';

interface RetriedRow {
  id: string;
  seq: number;
  attempt: number;
  time: Date;
  app_name: string;
  bundle_sha: string;
  class_path: string;
  config: string;
  owner: string | null;
  priority: number;
  log_lines: number;
}
export type { Ending, Submission } from './job.sql';

/** Job records: one row per job, moved QUEUED → RUNNING → FINISHED/ERROR/KILLED. */
export class JobRepository {
  private readonly pool: Pool;
  private readonly prepare: boolean;

  /** @param options.prepare name the hot statements (prepared once per connection). @defaultValue false */
  constructor(
    private readonly dataSource: SqlSource,
    options: { prepare?: boolean } = {},
  ) {
    this.pool = pgPool(dataSource);
    this.prepare = options.prepare ?? false;
  }

  /** A statement of every job's path, named when statements are prepared. */
  private hot<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<QueryResult<R>> {
    return hotQuery<R>(this.pool, this.prepare, name, text, values);
  }

  /**
   * Records a QUEUED job in one statement: with the latest bundle of its app, and only if its
   * named context is live and not stopping (ad-hoc jobs need no context yet) and, with
   * `contextOwner`, belongs to that principal (auth.isolate-owners).
   * @returns the bundle sha and the job's `created_at`, or null when the app, or a runnable context, is missing
   */
  async insertSubmitted(job: SubmittedJob, contextOwner: string | null = null): Promise<{ bundleSha: string; createdAt: Date } | null> {
    return (await this.insertSubmittedMany([{ job, contextOwner }]))[0]!;
  }

  /** {@link insertSubmitted} of several jobs in one statement; null for each job not recorded. */
  async insertSubmittedMany(submissions: readonly Submission[]): Promise<Array<{ bundleSha: string; createdAt: Date } | null>> {
    const { rows } = await this.hot<{ id: string; bundle_sha: string; created_at: Date }>('jobs.insert-submitted', INSERT_SUBMITTED, insertParams(submissions));
    const byId = new Map(rows.map((row) => [row.id, { bundleSha: row.bundle_sha, createdAt: row.created_at }]));
    return submissions.map((s) => byId.get(s.job.id) ?? null);
  }

  /** The whole row of a job (every column of JobEntity). */
  async byId(id: string): Promise<JobRecord | null> {
    const rows: JobRecord[] = await this.dataSource.query(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /**
   * QUEUED → RUNNING, started at `startTime` (its running event is seq 2; a retried job keeps
   * its first start); false if it is no longer queued (it ended, was killed, or a detail write
   * marked it RUNNING already).
   */
  async markRunning(id: string, startTime: Date): Promise<boolean> {
    const { rowCount } = await this.hot(
      'jobs.mark-running',
      `UPDATE jobs SET status = 'RUNNING', start_time = COALESCE(start_time, $2), event_seq = GREATEST(event_seq, 2)
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
    return (await this.endMany([{ id, ending, startTime }]))[0]!;
  }

  /**
   * A waiting worker's warm-up: prepares a lone job's end on a pool connection (an end of an id
   * no job has, which changes nothing), so that its context's first job does not plan it.
   */
  async warmUp(): Promise<void> {
    await this.end('00000000-0000-0000-0000-000000000000', { status: 'FINISHED', result: null });
  }

  /** {@link end} of several jobs in one statement; null for each job that had already ended. */
  async endMany(endings: readonly Ending[]): Promise<Array<EndedJob | null>> {
    // A batch is planned each time (unnamed): a cached generic plan of it could be a sequential
    // scan chosen while the table was small, kept for as long as no ANALYZE runs.
    const { rows } =
      endings.length === 1
        ? await this.hot<EndedRow>('jobs.end', END_JOB, endParams(endings))
        : await this.pool.query<EndedRow>({ text: END_JOBS, values: endParams(endings) });
    const byId = new Map(rows.map((row) => [row.id, toEnded(row)]));
    return endings.map((e) => byId.get(e.id) ?? null);
  }

  /**
   * Ends every queued or running job of a context (KILLED ones with `killedError(id)`); returns
   * those jobs. With `contextId`, only the jobs admitted to that life of the name (their
   * `context_id`): a newer life's jobs are left alone. A job without one (ad hoc, or recorded
   * before the column) counts as the life's if it came before any other live context of the name.
   * The jobs of `except` are left alone (retried ones, see {@link retryActiveOfAdHoc}). Those of
   * `started` ran, whatever their row says (their worker claimed them, and may have announced
   * RUNNING, before it wrote it): they get a running event before their end.
   */
  async endActiveOfContext(
    contextName: string,
    ending: JobEnding,
    contextId?: string,
    except: readonly string[] = [],
    started: readonly string[] = [],
  ): Promise<Array<EndedJob & { id: string }>> {
    const rows = await this.update(
      `UPDATE jobs SET status = $2::varchar, end_time = now(), start_time = COALESCE(start_time, now()),
         event_seq = ${STARTED_SEQ.replace('$STARTED', 'id = ANY($9::uuid[])')} + 1, stages = ${CLOSED_STAGES},
         error = COALESCE($3::jsonb, CASE WHEN $2::varchar = 'KILLED' THEN jsonb_build_object(
           'message', $5::text || id || $6::text, 'errorClass', $7::text, 'stack', '[]'::jsonb) END)
       WHERE status IN ('QUEUED', 'RUNNING') AND id <> ALL($8::uuid[]) AND ${ofContextLife('$1', '$4')}
       RETURNING id, ${ENDED_COLUMNS}`,
      [
        contextName,
        ending.status,
        ending.error ? jsonbParam(ending.error) : null,
        contextId ?? null,
        JOB_KILLED_MESSAGE.prefix,
        JOB_KILLED_MESSAGE.suffix,
        JOB_KILLED_CLASS,
        except,
        started,
      ],
    );
    return rows.map((row) => ({ id: row.id, ...toEnded(row) }));
  }

  /** The ids of the QUEUED jobs {@link endActiveOfContext} would end (those of `except` left out). */
  async queuedOfContext(contextName: string, contextId?: string, except: readonly string[] = []): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM jobs WHERE status = 'QUEUED' AND id <> ALL($3::uuid[]) AND ${ofContextLife('$1', '$2')}`,
      [contextName, contextId ?? null, except],
    );
    return rows.map((row) => row.id);
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
        batch.progress ? jsonbParam(batch.progress) : null,
        batch.stages ? jsonbParam(batch.stages) : null,
        batch.stages?.[0]?.startTime ?? null,
        batch.logLines,
        jsonbParam(batch.rows),
        batch.keepFromLine,
        ...(batch.trim ? [batch.trim.belowLine, batch.trim.fromSeq] : []),
      ],
    );
    return rows[0] ? Number(rows[0].base) : null;
  }

  /**
   * Starts the next attempt of a queued or running job that has attempts left (`attempt ≤
   * retries`), in one statement: `attempt` + 1, a `retry` row in `job_events` (`{attempt, error}`:
   * the new attempt's number, why the last one failed), the job RUNNING again in its worker.
   * @returns the retry event's seq and time and the new attempt, or null (nothing written): no attempt left, or it ended
   */
  async retry(id: string, error: ErrorInfo): Promise<RetriedJob | null> {
    const rows = await this.retryWhere(`id = $1::uuid`, [id, jsonbParam(error)], 'RUNNING');
    return rows[0] ?? null;
  }

  /**
   * {@link retry} of every queued or running job of an ad-hoc context's life that has attempts
   * left, back to QUEUED (to be submitted again: its worker died); see {@link endActiveOfContext}
   * for `contextId`. Its claim is the caller's to release.
   * @returns those jobs, with what their new submission needs
   */
  async retryActiveOfAdHoc(contextName: string, error: ErrorInfo, contextId: string): Promise<RetriedJob[]> {
    return this.retryWhere(
      `ad_hoc AND ${ofContextLife('$1', '$3')}`,
      [contextName, jsonbParam(error), contextId],
      'QUEUED',
    );
  }

  private async retryWhere(where: string, params: unknown[], status: 'RUNNING' | 'QUEUED'): Promise<RetriedJob[]> {
    const rows: RetriedRow[] = await this.dataSource.query(
      `WITH job AS (
         UPDATE jobs SET attempt = attempt + 1, status = '${status}', event_seq = GREATEST(event_seq, 2) + 1
         WHERE ${where} AND status IN ('QUEUED', 'RUNNING') AND attempt <= retries
         RETURNING id, event_seq AS seq, attempt, now() AS time, app_name, bundle_sha, class_path, config, owner, priority, log_lines
       ), inserted AS (
         INSERT INTO job_events (job_id, seq, time, type, line, payload)
         SELECT id, seq, time, 'retry', NULL, jsonb_build_object('attempt', attempt, 'error', $2::jsonb) FROM job
       )
       SELECT * FROM job`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      seq: row.seq,
      time: row.time,
      attempt: row.attempt,
      appName: row.app_name,
      bundleSha: row.bundle_sha,
      classPath: row.class_path,
      config: row.config,
      owner: row.owner,
      priority: row.priority,
      logLines: row.log_lines,
    }));
  }

  /**
   * Jobs still QUEUED that were recorded more than `ageMs` ago, oldest first; a retried job (back
   * to QUEUED to be submitted again) counts from its last retry, so that it is not taken for
   * stranded while the scheduler that retried it is still submitting it.
   */
  async queuedBefore(ageMs: number, limit = 100): Promise<Array<{ id: string; contextName: string }>> {
    return this.dataSource.query(
      `SELECT id, context_name AS "contextName" FROM jobs
       WHERE status = 'QUEUED' AND created_at < now() - make_interval(secs => $1::float8 / 1000)
         AND (attempt = 1 OR NOT EXISTS (SELECT 1 FROM job_events e WHERE e.job_id = jobs.id AND e.type = 'retry'
           AND e.time >= now() - make_interval(secs => $1::float8 / 1000)))
       ORDER BY created_at LIMIT $2`,
      [ageMs, limit],
    );
  }

  /** Queued or running jobs of an app (id and owner), oldest first. */
  async activeOfApp(appName: string): Promise<Array<{ id: string; owner: string | null }>> {
    return this.dataSource.query(
      `SELECT id, owner FROM jobs WHERE app_name = $1 AND status IN ('QUEUED', 'RUNNING') ORDER BY created_at`,
      [appName],
    );
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

/**
 * The jobs of one life of a context name (its name and id at the `name` and `life` parameters): a
 * job admitted to that life, or one without a life (ad hoc, or recorded before the column) that
 * came before any other live context of the name. Without an id, every job of the name.
 */
function ofContextLife(name: string, life: string): string {
  return `context_name = ${name} AND (${life}::uuid IS NULL OR context_id = ${life}::uuid OR (context_id IS NULL
    AND created_at < COALESCE((SELECT min(c.start_time) FROM contexts c
      WHERE c.name = ${name} AND c.id <> ${life}::uuid AND c.state IN (${LIVE_STATES})), 'infinity')))`;
}
