import { DEFAULT_PRIORITY, DEFAULT_RETRIES, LIVE_CONTEXT_STATES } from '@jobserver/protocol';
import type { EndedJob, JobEnding, SubmittedJob } from './job.types';
import { jsonbParam } from './pg-values';

/**
 * The statements of every job's path (its record and its end), each for one job or many at once:
 * the arrays of `unnest` carry one element per job, so the same prepared statement serves a lone
 * job and a group commit (GroupCommit) alike.
 */

export interface EndedRow {
  id: string;
  seq: number;
  end_time: Date;
  created_at: Date;
  start_time: Date;
  app_name: string;
  class_path: string;
  callback: boolean;
}

/** Every column of a job's row, named as JobEntity's fields (JobRepository.byId). */
export const JOB_COLUMNS = `id, app_name AS "appName", bundle_sha AS "bundleSha", class_path AS "classPath",
  context_name AS "contextName", ad_hoc AS "adHoc", status, config, result, error, created_at AS "createdAt",
  start_time AS "startTime", end_time AS "endTime", owner, context_id AS "contextId", priority, retries, attempt,
  event_seq AS "eventSeq", progress, stages, log_lines AS "logLines", callback_url AS "callbackUrl",
  callback_state AS "callbackState", callback_attempts AS "callbackAttempts",
  callback_last_status AS "callbackLastStatus", callback_queued_at AS "callbackQueuedAt"`;

export const ENDED_COLUMNS =
  'event_seq AS seq, end_time, created_at, start_time, app_name, class_path, callback_url IS NOT NULL AS callback';

export const toEnded = (row: EndedRow): EndedJob => ({
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
export const STARTED_SEQ = `CASE WHEN status = 'RUNNING' OR $STARTED THEN GREATEST(event_seq, 2) ELSE event_seq END`;
/** The job's end ends its last stage (a stage runs until the next begins). */
export const CLOSED_STAGES = `CASE WHEN stages IS NULL THEN NULL ELSE jsonb_set(stages, '{-1,endTime}',
  to_jsonb(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) END`;

export const LIVE_STATES = LIVE_CONTEXT_STATES.map((state) => `'${state}'`).join(', ');

/**
 * Records QUEUED jobs, each with the latest bundle of its app, and only if its named context is
 * live and not stopping (ad-hoc jobs need no context yet) and, with a context owner, belongs to
 * that principal (auth.isolate-owners); a named context's job records the life it was admitted to
 * (`context_id`). Returns the rows recorded.
 */
export const INSERT_SUBMITTED = `
  INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, ad_hoc, status, config, owner,
    callback_url, callback_state, priority, context_id, retries)
  SELECT v.id, v.app_name, b.sha256, v.class_path, v.context_name, v.ad_hoc, 'QUEUED', v.config, v.owner,
    v.callback_url, CASE WHEN v.callback_url IS NOT NULL THEN 'PENDING' END, v.priority, c.id, v.retries
  FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::boolean[], $6::text[], $7::varchar[],
      $8::varchar[], $9::varchar[], $10::smallint[], $11::smallint[])
    AS v(id, app_name, class_path, context_name, ad_hoc, config, owner, context_owner, callback_url, priority, retries)
  CROSS JOIN LATERAL (SELECT sha256 FROM bundles WHERE app_name = v.app_name ORDER BY upload_time DESC LIMIT 1) b
  LEFT JOIN LATERAL (SELECT c.id FROM contexts c
    WHERE NOT v.ad_hoc AND c.name = v.context_name AND c.state IN ('STARTED', 'RUNNING', 'RESTARTING')
      AND (v.context_owner IS NULL OR c.owner = v.context_owner) LIMIT 1) c ON true
  WHERE v.ad_hoc OR c.id IS NOT NULL
  RETURNING id, bundle_sha, created_at`;

/** A job to record and the owner its context must have (null: any). */
export interface Submission {
  job: SubmittedJob;
  contextOwner: string | null;
}

/** The parameters of INSERT_SUBMITTED: one array per column. */
export function insertParams(submissions: readonly Submission[]): unknown[][] {
  const column = <T>(pick: (s: Submission) => T) => submissions.map(pick);
  return [
    column((s) => s.job.id),
    column((s) => s.job.appName),
    column((s) => s.job.classPath),
    column((s) => s.job.contextName),
    column((s) => s.job.adHoc),
    column((s) => s.job.config),
    column((s) => s.job.owner ?? null),
    column((s) => s.contextOwner),
    column((s) => s.job.callbackUrl ?? null),
    column((s) => s.job.priority ?? DEFAULT_PRIORITY),
    column((s) => s.job.retries ?? DEFAULT_RETRIES),
  ];
}

/** What an end sets, from the columns `new_status`, `new_result`, `new_error`, `started` of its values. */
const END_SET = `status = new_status, result = new_result, error = new_error, end_time = now(),
    start_time = COALESCE(start_time, started, now()),
    event_seq = ${STARTED_SEQ.replace('$STARTED', 'started IS NOT NULL')} + 1,
    stages = ${CLOSED_STAGES}`;

/**
 * Ends jobs that are still queued or running (see JobRepository.end); a job that had ended
 * already is left alone and returns no row. A batch form, planned anew each time (never
 * prepared: its generic plan can be a sequential scan), a cost a batch shares but a lone job
 * should not pay.
 */
export const END_JOBS = `
  UPDATE jobs SET ${END_SET}
  FROM unnest($1::uuid[], $2::varchar[], $3::text[], $4::jsonb[], $5::timestamptz[])
    AS v(job_id, new_status, new_result, new_error, started)
  WHERE id = ANY($1::uuid[]) AND id = v.job_id AND status IN ('QUEUED', 'RUNNING')
  RETURNING id, ${ENDED_COLUMNS}`;

/** END_JOBS of one job, with the same parameters (arrays of one): its generic plan is a key lookup. */
export const END_JOB = `
  UPDATE jobs SET ${END_SET}
  FROM (SELECT ($1::uuid[])[1] AS job_id, ($2::varchar[])[1] AS new_status, ($3::text[])[1] AS new_result,
      ($4::jsonb[])[1] AS new_error, ($5::timestamptz[])[1] AS started) v
  WHERE id = ($1::uuid[])[1] AND status IN ('QUEUED', 'RUNNING')
  RETURNING id, ${ENDED_COLUMNS}`;

/** A job's ending for END_JOBS, with when it started running if it did (see JobRepository.end). */
export interface Ending {
  id: string;
  ending: JobEnding;
  startTime?: Date;
}

/** The parameters of END_JOBS: one array per column. */
export function endParams(endings: readonly Ending[]): unknown[][] {
  return [
    endings.map((e) => e.id),
    endings.map((e) => e.ending.status),
    endings.map((e) => e.ending.result ?? null),
    endings.map((e) => (e.ending.error ? jsonbParam(e.ending.error) : null)),
    endings.map((e) => e.startTime ?? null),
  ];
}
