import { openApi } from './api.call';
import { ApiKeyApi } from './api-key.api';
import { isTerminal, type CallOptions, type JobAccepted, type JobConfigInput, type JobEvent, type JobOutcome, type JobReport, type JobTarget } from './api.types';
import { BundleApi, JarApi } from './bundle.api';
import type { ClientOptions } from './client.options';
import { ContextApi } from './context.api';
import { DataApi } from './data.api';
import { clusterEventStream, type ClusterEventsOptions, type JobEventsOptions } from './event.stream';
import { httpContext, type HttpContext } from './http.context';
import { JobApi, type RunOptions } from './job.api';
import { JobserverError } from './jobserver.error';
import { sleep } from './retrying.fetch';
import { ServerApi } from './server.api';
import { ScheduleApi } from './schedule.api';
import { StatementApi } from './statement.api';

/** Options of {@link JobserverClient.submit}. */
export interface SubmitJobOptions extends RunOptions {
  /**
   * Wait for the job's end: a sync submit, followed (past the server's timeout) by the job's
   * events until it ends. @defaultValue false
   */
  wait?: boolean;
}

/** Options of {@link JobserverClient.waitFor}. */
export interface WaitOptions extends CallOptions {
  /** Called with every event while waiting (progress, stages, log lines). */
  onEvent?: (event: JobEvent) => void;
}

/**
 * A typed client of jobserver's REST API (types generated from the server's OpenAPI
 * document), built on fetch. Calls throw {@link JobserverError}; idempotent ones are retried on
 * 503 and connection errors.
 *
 * @example
 * ```ts
 * const client = new JobserverClient({ url: 'http://127.0.0.1:8090', auth: { token: process.env.JOBSERVER_TOKEN! } });
 * await client.binaries.upload('test', await readFile('dist/bundle.mjs'));
 * const outcome = await client.submit({ appName: 'test', classPath: 'WordCountExample' }, { input: { string: 'a b a' } }, { wait: true });
 * // { status: 'OK', result: { a: 2, b: 1 }, jobId: '…' }
 * for await (const event of client.events(jobId)) console.log(event.type);
 * ```
 */
export class JobserverClient {
  readonly binaries: BundleApi;
  readonly jars: JarApi;
  readonly contexts: ContextApi;
  readonly jobs: JobApi;
  readonly statements: StatementApi;
  readonly schedules: ScheduleApi;
  readonly keys: ApiKeyApi;
  readonly data: DataApi;
  readonly server: ServerApi;
  /** Where the client sends its requests (no trailing slash). */
  readonly url: string;
  private readonly http: HttpContext;

  constructor(options: ClientOptions) {
    this.http = httpContext(options);
    this.url = this.http.baseUrl;
    const api = openApi(this.http);
    this.binaries = new BundleApi(api);
    this.jars = new JarApi(api);
    this.contexts = new ContextApi(api);
    this.jobs = new JobApi(api, this.http);
    this.statements = new StatementApi(api);
    this.schedules = new ScheduleApi(api);
    this.keys = new ApiKeyApi(api);
    this.data = new DataApi(api);
    this.server = new ServerApi(api, this.http);
  }

  /**
   * Submits a job. Without `wait`: async, answers once it is accepted (`STARTED` or `QUEUED`).
   * With `wait: true`: its outcome — `OK` with the result, `ERROR` or `KILLED` with an error
   * object — however long it runs.
   * @throws JobserverError 400 (VALIDATION FAILED, bad config), 404 (unknown app, classPath, context), …
   */
  submit(target: JobTarget, config?: JobConfigInput, options?: SubmitJobOptions & { wait?: false }): Promise<JobAccepted>;
  submit(target: JobTarget, config: JobConfigInput | undefined, options: SubmitJobOptions & { wait: true }): Promise<JobOutcome>;
  async submit(target: JobTarget, config?: JobConfigInput, options: SubmitJobOptions = {}): Promise<JobAccepted | JobOutcome> {
    const { wait, ...rest } = options;
    if (!wait) return this.jobs.start(target, config, rest);
    const answer = await this.jobs.run(target, config, rest);
    if (answer.status !== 'RUNNING') return answer as JobOutcome;
    return outcomeOf(await this.waitFor((answer as JobAccepted).result.jobId, { signal: rest.signal }));
  }

  /**
   * Waits for a job's end and answers its final report, following its events (or, on a server
   * without the events route, polling its report).
   * @throws JobserverError 404 unknown job; `aborted` when the signal aborts
   */
  async waitFor(jobId: string, options: WaitOptions = {}): Promise<JobReport> {
    try {
      for await (const event of this.jobs.events(jobId, { signal: options.signal })) {
        options.onEvent?.(event);
        if (isTerminal(event)) return reportOf(event);
      }
    } catch (error) {
      if (!(error instanceof JobserverError && error.routeMissing)) throw error;
      return this.pollUntilEnded(jobId, options.signal);
    }
    // The stream ends only after a terminal event; this is a server that closed it without one.
    return this.pollUntilEnded(jobId, options.signal);
  }

  /** A job's events, live, until its end, resumed by `Last-Event-ID` after a drop. */
  events(jobId: string, options: JobEventsOptions = {}): AsyncGenerator<JobEvent> {
    return this.jobs.events(jobId, options);
  }

  /** The cluster's live job and context state changes (`GET /events`), until the signal aborts. */
  watch(options: ClusterEventsOptions = {}) {
    return clusterEventStream(this.http, options);
  }

  private async pollUntilEnded(jobId: string, signal?: AbortSignal): Promise<JobReport> {
    for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
      const report = await this.jobs.get(jobId, { signal });
      if (report.status !== 'QUEUED' && report.status !== 'RUNNING') return report;
      await sleep(pause, signal).catch((reason: unknown) => {
        throw new JobserverError({ kind: 'aborted', method: 'GET', url: `${this.url}/jobs/${jobId}`, cause: reason });
      });
    }
  }
}

/** The report a terminal event carries (its fields without seq, time and type). */
export function reportOf(event: JobEvent & { status?: unknown }): JobReport {
  const { seq: _seq, time: _time, type: _type, ...report } = event;
  return report as unknown as JobReport;
}

/** A final report as a sync answer's outcome. */
export function outcomeOf(report: JobReport): JobOutcome {
  const status = report.status === 'FINISHED' || report.status === 'OK' ? 'OK' : report.status === 'KILLED' ? 'KILLED' : 'ERROR';
  return { status, result: report.result ?? null, jobId: report.jobId };
}
