import type { ErrorInfo } from './error-info';
/**
 * The events of one job as docs/events.md describes them: what the REST and SSE routes answer
 * and what the detail channel carries. Every event is flat: `seq`, `time` (ISO), `type`, then
 * its own fields.
 */

/** How far a job is: `fraction` in 0…1, with the `done`/`total` it came from if any. */
export interface JobProgress {
  fraction: number;
  done?: number;
  total?: number;
  message?: string;
}

export type JobLogLevel = 'INFO' | 'WARN' | 'ERROR';

/** A line a job logged through `ctx.log`. */
export interface JobLogLine {
  /** The line's number, 0-based over every line the job logged (retained or not). */
  line: number;
  level: JobLogLevel;
  message: string;
  fields?: Record<string, unknown>;
}

interface EventHead {
  /** Gap-free per job: 1 queued, 2 running, 3 … n details, n + 1 the terminal event. */
  seq: number;
  /** ISO-8601. */
  time: string;
}

export type JobProgressEvent = EventHead & { type: 'progress' } & JobProgress;
/** A stage begins at this event's time; the previous stage ends then. */
export type JobStageEvent = EventHead & { type: 'stage'; name: string };
export type JobLogEvent = EventHead & { type: 'log' } & JobLogLine;

/**
 * The server runs the job again (`retries=<n>`): the attempt that failed, why it failed (its
 * executor or worker died, or it threw a `retryable` error), and the number of the next attempt.
 */
export type JobRetryEvent = EventHead & { type: 'retry'; attempt: number; error: ErrorInfo };

/** The events of a running job kept as rows of `job_events`: what it reports itself, and its retries. */
export type JobStreamEvent = JobProgressEvent | JobStageEvent | JobLogEvent | JobRetryEvent;
export type JobDetailEventType = JobStreamEvent['type'];

export const JOB_DETAIL_EVENT_TYPES: readonly JobDetailEventType[] = ['progress', 'stage', 'log', 'retry'];

/** A message of the detail channel: one persisted batch of a job's detail events, in seq order. */
export interface JobDetailMessage {
  jobId: string;
  events: JobStreamEvent[];
}
