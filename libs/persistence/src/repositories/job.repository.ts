import type { Pool, QueryResult, QueryResultRow } from 'pg';
import type { DataSource, Repository } from 'typeorm';
import { JOB_KILLED_CLASS, JOB_KILLED_MESSAGE, LIVE_CONTEXT_STATES, type ErrorInfo, type JobStatus } from '@jobserver/protocol';
import { JobEntity } from '../entities/job.entity';
import { pgPool } from './pg-pool';

export type JobRecord = JobEntity;
export type NewJob = Pick<JobEntity, 'id' | 'appName' | 'bundleSha' | 'classPath' | 'contextName' | 'adHoc' | 'config'> & {
  /** The principal that submitted it; null (the default) while auth is off. */
  owner?: string | null;
  /** Where its end is POSTed (recorded PENDING); null (the default) for none. */
  callbackUrl?: string | null;
};
export type JobSummary = Omit<JobEntity, 'config' | 'result' | 'error' | `callback${string}`>;
/** A job an end statement just ended: whether it has a completion callback to deliver. */
export interface EndedJob {
  id: string;
  callback: boolean;
}
/** A job to record: its bundle is the app's latest version, looked up as it is inserted. */
export type SubmittedJob = Omit<NewJob, 'bundleSha'>;

/** How a job ended. */
export interface JobEnding {
  status: Extract<JobStatus, 'FINISHED' | 'ERROR' | 'KILLED'>;
  result?: string | null;
  error?: ErrorInfo | null;
}

const LIVE_STATES = LIVE_CONTEXT_STATES.map((state) => `'${state}'`).join(', ');

const SUMMARY_COLUMNS = `id, app_name AS "appName", bundle_sha AS "bundleSha", class_path AS "classPath",
  context_name AS "contextName", ad_hoc AS "adHoc", status, created_at AS "createdAt",
  start_time AS "startTime", end_time AS "endTime", owner`;

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
   * @returns the bundle sha, or null when the app, or a runnable context, is missing
   */
  async insertSubmitted(job: SubmittedJob, contextOwner: string | null = null): Promise<string | null> {
    const { rows } = await this.hot<{ bundle_sha: string }>(
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
       RETURNING bundle_sha`,
      [job.id, job.appName, job.classPath, job.contextName, job.adHoc, job.config, job.owner ?? null, contextOwner, job.callbackUrl ?? null],
    );
    return rows[0]?.bundle_sha ?? null;
  }

  byId(id: string): Promise<JobRecord | null> {
    return this.repo.findOneBy({ id });
  }

  /** Newest first, optionally of one status and of one owner. */
  list(limit: number, status?: JobStatus, owner?: string): Promise<JobSummary[]> {
    const params: unknown[] = [limit];
    const conditions: string[] = [];
    if (status) conditions.push(`status = $${params.push(status)}`);
    if (owner !== undefined) conditions.push(`owner = $${params.push(owner)}`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.dataSource.query(
      `SELECT ${SUMMARY_COLUMNS} FROM jobs ${where} ORDER BY created_at DESC, id LIMIT $1`,
      params,
    );
  }

  /** QUEUED → RUNNING, started at `startTime`; false if it is no longer queued (it ended or was killed). */
  async markRunning(id: string, startTime: Date): Promise<boolean> {
    const { rowCount } = await this.hot(
      'jobs.mark-running',
      `UPDATE jobs SET status = 'RUNNING', start_time = $2 WHERE id = $1 AND status = 'QUEUED'`,
      [id, startTime],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Ends a job that is still queued or running; null if it had already ended. `startTime` is
   * when it started running, for a job that ends before it was marked RUNNING.
   */
  async end(id: string, ending: JobEnding, startTime?: Date): Promise<EndedJob | null> {
    const { rows } = await this.hot<EndedJob>(
      'jobs.end',
      `UPDATE jobs SET status = $2, result = $3, error = $4, end_time = now(),
         start_time = COALESCE(start_time, $5, now())
       WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')
       RETURNING id, callback_url IS NOT NULL AS callback`,
      [id, ending.status, ending.result ?? null, ending.error ? JSON.stringify(ending.error) : null, startTime ?? null],
    );
    return rows[0] ?? null;
  }

  /**
   * Ends every queued or running job of a context (KILLED ones with `killedError(id)`); returns
   * those jobs. With `contextId`, only the jobs of that life of the name: jobs posted after a
   * newer live context took the name belong to it and are left alone.
   */
  async endActiveOfContext(contextName: string, ending: JobEnding, contextId?: string): Promise<EndedJob[]> {
    return this.update<EndedJob>(
      `UPDATE jobs SET status = $2::varchar, end_time = now(), start_time = COALESCE(start_time, now()),
         error = COALESCE($3::jsonb, CASE WHEN $2::varchar = 'KILLED' THEN jsonb_build_object(
           'message', $5::text || id || $6::text, 'errorClass', $7::text, 'stack', '[]'::jsonb) END)
       WHERE context_name = $1 AND status IN ('QUEUED', 'RUNNING')
         AND ($4::uuid IS NULL OR created_at < COALESCE((SELECT min(c.start_time) FROM contexts c
           WHERE c.name = $1 AND c.id <> $4::uuid AND c.state IN (${LIVE_STATES})), 'infinity'))
       RETURNING id, callback_url IS NOT NULL AS callback`,
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

  /** Runs an UPDATE … RETURNING (TypeORM answers those with `[rows, affected]`). */
  private async update<R>(sql: string, params: unknown[]): Promise<R[]> {
    const [rows] = (await this.dataSource.query(sql, params)) as [R[], number];
    return rows;
  }
}
