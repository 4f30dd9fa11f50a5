import type { components } from './generated/openapi';

type Schemas = components['schemas'];

export type BinarySummary = Schemas['BinarySummaryResponse'];
export type BinaryInfo = Schemas['BinaryInfoResponse'];
export type ContextInfo = Schemas['ContextResponse'];
export type ContextState = ContextInfo['state'];
/** A stored snapshot of a context's named objects. */
export type ContextSnapshot = Schemas['SnapshotResponse'];
export type JobSummary = Schemas['JobSummaryResponse'];
export type JobReport = Schemas['JobReportResponse'];
export type JobStatus = JobSummary['status'];
export type JobCounts = Schemas['JobCountsResponse'];
export type JobProgress = Schemas['JobProgressResponse'];
export type JobAccepted = Schemas['JobAcceptedResponse'];
/** A sync job's answer: `OK` with its result, or `ERROR` / `KILLED` with an error object. */
export type JobOutcome = Schemas['JobEndedResponse'];
export type BatchAccepted = Schemas['BatchSubmitResponse'];
export type JobLog = Schemas['JobLogResponse'];
export type Statement = Schemas['StatementResponse'];
export type StatementOutput = Schemas['StatementOutputResponse'];
export type StatementList = Schemas['StatementListResponse'];
export type Schedule = Schemas['ScheduleResponse'];
export type ScheduleRun = Schemas['ScheduleRunResponse'];
export type NewSchedule = Schemas['ScheduleRequestBody'];
export type ApiKey = Schemas['ApiKeyResponse'];
export type NewApiKey = Schemas['NewApiKeyResponse'];
export type HealthAnswer = Schemas['HealthResponse'];
export type ClusterStatus = Schemas['ClusterStatusResponse'];
export type SuccessAnswer = Schemas['SuccessResponse'];
export type SuccessMessage = Schemas['SuccessMessageResponse'];

/** Which app and export a job runs, and where (no context: an ad-hoc one). */
export interface JobTarget {
  appName: string;
  classPath: string;
  context?: string;
  /** 0–100: within the context's queue, higher first (equal ones in submission order). @defaultValue 50 */
  priority?: number;
  /**
   * 0–10: times the job is run again if its executor or worker dies under it, or it throws an
   * error with `retryable: true` (README "Job retries"). @defaultValue 0
   */
  retries?: number;
}

/** A job config: an object (sent as JSON) or HOCON/JSON text, sent as is. */
export type JobConfigInput = Record<string, unknown> | string;

/** Filters of `GET /jobs` and `GET /jobs/counts` (all optional, combined with AND). */
export interface JobFilter {
  appName?: string;
  classPath?: string;
  context?: string;
  /** A full job id, else a case-insensitive prefix of app name, classPath or context. */
  q?: string;
}

/** Options of `GET /jobs`. */
export interface JobListOptions extends JobFilter {
  /** Default 50. */
  limit?: number;
  status?: JobStatus | 'OK' | Lowercase<JobStatus>;
  /** Keyset paging: the jobs older than this job id. */
  before?: string;
}

/** Options every call takes. */
export interface CallOptions {
  signal?: AbortSignal;
}

interface EventBase {
  /** Gap-free per job, from 1 (the SSE id). */
  seq: number;
  /** ISO-8601. */
  time: string;
}

/** A job's event (`GET /jobs/<id>/events`, and its stream); the last three end the job's events. */
export type JobEvent =
  | (EventBase & { type: 'queued' | 'running' })
  | (EventBase & { type: 'progress'; fraction: number; done?: number; total?: number; message?: string })
  | (EventBase & { type: 'stage'; name: string })
  | (EventBase & {
      type: 'log';
      line: number;
      level: 'INFO' | 'WARN' | 'ERROR';
      message: string;
      fields?: Record<string, unknown>;
    })
  /** The job runs again: `attempt` is the run that begins (2 for the first retry), `error` why the last one failed. */
  | (EventBase & { type: 'retry'; attempt: number; error: { message: string; errorClass: string; stack: string[]; retryable?: true } })
  | (EventBase & Omit<JobReport, 'status'> & { type: 'finished' | 'error' | 'killed'; status: JobReport['status'] });

/** The types that end a job's events. */
export type TerminalJobEvent = Extract<JobEvent, { type: 'finished' | 'error' | 'killed' }>;

export const TERMINAL_EVENT_TYPES: ReadonlySet<string> = new Set(['finished', 'error', 'killed']);

/** Whether an event ends the job's events. */
export function isTerminal(event: JobEvent): event is TerminalJobEvent {
  return TERMINAL_EVENT_TYPES.has(event.type);
}

/** A live state change of `GET /events`. */
export type ClusterEvent =
  | { type: 'job'; jobId: string; status: JobStatus; context: string; appName: string; classPath: string }
  | { type: 'context'; name: string; state: ContextState };
