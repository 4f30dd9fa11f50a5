import type { DataSource } from 'typeorm';
import { JOB_STATUSES, type JobStatus } from '@jobserver/protocol';
import type { JobSummary } from './job.repository';

/** Which jobs a list or a count covers; every field narrows (AND). */
export interface JobFilter {
  status?: JobStatus;
  /** Only this owner's jobs (auth.isolate-owners). */
  owner?: string;
  appName?: string;
  classPath?: string;
  context?: string;
  /** A full job id (that job), else a case-insensitive prefix of app name, classPath or context. */
  q?: string;
  /** Keyset paging: only jobs strictly after this job in the list's order (`created_at DESC, id`). */
  before?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SUMMARY_COLUMNS = `id, app_name AS "appName", bundle_sha AS "bundleSha", class_path AS "classPath",
  context_name AS "contextName", ad_hoc AS "adHoc", status, created_at AS "createdAt",
  start_time AS "startTime", end_time AS "endTime", owner`;

/** `LIKE` treats `%`, `_` and `\` as patterns: a prefix typed by a client is matched literally. */
const likePrefix = (text: string): string => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The WHERE clause of `filter`, its values appended to `params` (never spliced into the SQL). */
export function jobWhere(filter: JobFilter, params: unknown[]): string {
  const conditions: string[] = [];
  const bind = (value: unknown): string => `$${params.push(value)}`;
  if (filter.status) conditions.push(`status = ${bind(filter.status)}`);
  if (filter.owner !== undefined) conditions.push(`owner = ${bind(filter.owner)}`);
  if (filter.appName !== undefined) conditions.push(`app_name = ${bind(filter.appName)}`);
  if (filter.classPath !== undefined) conditions.push(`class_path = ${bind(filter.classPath)}`);
  if (filter.context !== undefined) conditions.push(`context_name = ${bind(filter.context)}`);
  if (filter.q !== undefined && UUID.test(filter.q)) conditions.push(`id = ${bind(filter.q.toLowerCase())}`);
  else if (filter.q !== undefined) {
    // lower(…) LIKE 'prefix%' rather than ILIKE: it can use the text_pattern_ops indexes.
    const p = bind(likePrefix(filter.q.toLowerCase()));
    conditions.push(`(lower(app_name) LIKE ${p} OR lower(class_path) LIKE ${p} OR lower(context_name) LIKE ${p})`);
  }
  if (filter.before !== undefined) {
    const id = bind(filter.before);
    // created_at <= … bounds the index range; the OR only breaks ties of the same instant.
    const at = `(SELECT created_at FROM jobs WHERE id = ${id})`;
    conditions.push(`created_at <= ${at} AND (created_at < ${at} OR id > ${id})`);
  }
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** Searches, pages and counts job records for the job list (GET /jobs, GET /jobs/counts). */
export class JobSearchRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * {@link list} for each of `statuses` (at most `limit` jobs of each), in one statement: one
   * snapshot, so that a job whose status changes meanwhile is in exactly one part (two queries
   * could miss it in both).
   */
  listOfStatuses(limit: number, filter: Omit<JobFilter, 'status'>, statuses: readonly JobStatus[]): Promise<JobSummary[]> {
    const params: unknown[] = [limit];
    const parts = statuses.map(
      (status) => `(SELECT ${SUMMARY_COLUMNS} FROM jobs ${jobWhere({ ...filter, status }, params)} ORDER BY created_at DESC, id LIMIT $1)`,
    );
    return this.dataSource.query(parts.join(' UNION ALL '), params);
  }

  /** At most `limit` jobs matching `filter`, newest first (`created_at DESC, id`). */
  list(limit: number, filter: JobFilter = {}): Promise<JobSummary[]> {
    const params: unknown[] = [limit];
    const where = jobWhere(filter, params);
    return this.dataSource.query(
      `SELECT ${SUMMARY_COLUMNS} FROM jobs ${where} ORDER BY created_at DESC, id LIMIT $1`,
      params,
    );
  }

  /** How many jobs matching `filter` (its `before` ignored) have each status; 0 for none. */
  async counts(filter: Omit<JobFilter, 'before'>): Promise<Record<JobStatus, number>> {
    const params: unknown[] = [];
    const where = jobWhere({ ...filter, before: undefined }, params);
    const rows: Array<{ status: JobStatus; n: string }> = await this.dataSource.query(
      `SELECT status, count(*) AS n FROM jobs ${where} GROUP BY status`,
      params,
    );
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  /** Whether the job exists and, with `owner`, is that owner's (a `before` the caller may use). */
  async exists(id: string, owner?: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const params: unknown[] = [id];
    const mine = owner !== undefined ? ` AND owner = $${params.push(owner)}` : '';
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM jobs WHERE id = $1${mine}`, params);
    return rows.length > 0;
  }
}
