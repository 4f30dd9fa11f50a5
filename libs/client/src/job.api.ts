import { asIs, configBody, queryOf, unwrap, type Api } from './api.call';
import type {
  BatchAccepted,
  CallOptions,
  JobAccepted,
  JobConfigInput,
  JobCounts,
  JobEvent,
  JobFilter,
  JobListOptions,
  JobLog,
  JobOutcome,
  JobReport,
  JobSummary,
  JobTarget,
} from './api.types';
import { jobEventStream, type JobEventsOptions } from './event.stream';
import type { paths } from './generated/openapi';
import type { HttpContext } from './http.context';

/** The query of `POST /jobs` as the server reads it (every value a string). */
type SubmitQuery = NonNullable<paths['/jobs']['post']['parameters']['query']>;
/** The query of `POST /jobs/batch`. */
type BatchQuery = NonNullable<paths['/jobs/batch']['post']['parameters']['query']>;

/** Options of a submit. */
export interface SubmitOptions extends CallOptions {
  /** An absolute http(s) URL the server POSTs the job's end to. */
  callbackUrl?: string;
}

/** Options of a sync submit. */
export interface RunOptions extends SubmitOptions {
  /** Seconds the server waits for the job (fractions allowed). @defaultValue the server's sync-timeout (60) */
  timeoutSeconds?: number;
}

const text = { 'content-type': 'text/plain' };

/** `/jobs`: submitting, listing, following and killing jobs. */
export class JobApi {
  constructor(
    private readonly api: Api,
    private readonly http: HttpContext,
  ) {}

  /**
   * Submits an async job: answers once its context loaded it and `validate` passed (`STARTED`),
   * or `QUEUED` while it waits behind busy slots.
   * @throws JobserverError 400 (VALIDATION FAILED, bad config), 404 (unknown app, classPath, context), 409, 429
   */
  start(target: JobTarget, config?: JobConfigInput, options: SubmitOptions = {}): Promise<JobAccepted> {
    return this.post(target, config, options) as Promise<JobAccepted>;
  }

  /**
   * Submits a sync job: its outcome (`OK` with the result, `ERROR`/`KILLED` with an error object),
   * or `RUNNING` (202, with the job id) when it outlived the timeout and keeps running.
   * @throws JobserverError as {@link start}
   */
  run(target: JobTarget, config?: JobConfigInput, options: RunOptions = {}): Promise<JobOutcome | JobAccepted> {
    return this.post(target, config, { ...options, sync: true });
  }

  private post(
    target: JobTarget,
    config: JobConfigInput | undefined,
    options: RunOptions & { sync?: boolean },
  ): Promise<JobOutcome | JobAccepted> {
    const { callbackUrl, timeoutSeconds, sync, ...call } = options;
    const query = queryOf({ ...target, sync: sync ? 'true' : undefined, timeout: timeoutSeconds, callbackUrl });
    return unwrap(
      'POST',
      this.api.POST('/jobs', {
        params: { query: query as SubmitQuery },
        body: configBody(config),
        bodySerializer: asIs,
        headers: text,
        signal: call.signal,
      }),
    );
  }

  /** Submits one async job per config, recorded and queued together or not at all. @throws JobserverError 400 */
  startBatch(target: JobTarget, configs: Array<Record<string, unknown>>, options: CallOptions = {}): Promise<BatchAccepted> {
    return unwrap(
      'POST',
      this.api.POST('/jobs/batch', {
        params: { query: queryOf({ ...target }) as BatchQuery },
        body: configs,
        signal: options.signal,
      }),
    );
  }

  /** Jobs, newest first. */
  list(filter: JobListOptions = {}, options: CallOptions = {}): Promise<JobSummary[]> {
    return unwrap('GET', this.api.GET('/jobs', { params: { query: queryOf({ ...filter }) }, signal: options.signal }));
  }

  /** How many matching jobs have each status. */
  counts(filter: JobFilter = {}, options: CallOptions = {}): Promise<JobCounts> {
    return unwrap('GET', this.api.GET('/jobs/counts', { params: { query: queryOf({ ...filter }) }, signal: options.signal }));
  }

  /** The job's report: status, progress, stages, result or error. @throws JobserverError 404 */
  get(jobId: string, options: CallOptions = {}): Promise<JobReport> {
    return unwrap('GET', this.api.GET('/jobs/{id}', { params: { path: { id: jobId } }, signal: options.signal }));
  }

  /** The config the job was posted with, as JSON. @throws JobserverError 404 */
  config(jobId: string, options: CallOptions = {}): Promise<Record<string, unknown>> {
    return unwrap('GET', this.api.GET('/jobs/{id}/config', { params: { path: { id: jobId } }, signal: options.signal }));
  }

  /** Kills a queued or running job. @throws JobserverError 404 when it is not running */
  kill(jobId: string, options: CallOptions = {}): Promise<{ status: 'KILLED' }> {
    return unwrap('DELETE', this.api.DELETE('/jobs/{id}', { params: { path: { id: jobId } }, signal: options.signal }));
  }

  /** The job's events after `after` as one JSON list (at most 10 000). @throws JobserverError 404 */
  eventList(jobId: string, options: JobEventsOptions = {}): Promise<JobEvent[]> {
    const { after, ...call } = options;
    return unwrap(
      'GET',
      this.api.GET('/jobs/{id}/events', {
        params: { path: { id: jobId }, query: queryOf({ after }) },
        headers: { accept: 'application/json' },
        signal: call.signal,
      }),
    ) as Promise<JobEvent[]>;
  }

  /** The job's events, live, until its end: see {@link jobEventStream}. */
  events(jobId: string, options: JobEventsOptions = {}): AsyncGenerator<JobEvent> {
    return jobEventStream(this.http, jobId, options);
  }

  /** Log lines `from`…, or the last `size` (default 100) without `from`. @throws JobserverError 404 */
  logs(jobId: string, range: { from?: number; size?: number } = {}, options: CallOptions = {}): Promise<JobLog> {
    return unwrap('GET', this.api.GET('/jobs/{id}/logs', { params: { path: { id: jobId }, query: queryOf(range) }, signal: options.signal }));
  }
}
