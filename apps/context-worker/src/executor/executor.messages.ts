import type { MessagePort } from 'node:worker_threads';
import type { serverInternals } from '@jobserver/api';
import type { ErrorInfo } from '@jobserver/protocol';
import { isDataPathMessage, type DataPathAnswerMessage, type DataPathMessage } from './data.messages';
import { isFromExecutorSnapshotMessage, isSnapshotMessage, type FromExecutorSnapshotMessage, type ToExecutorSnapshotMessage } from './snapshot.messages';
import {
  isFromExecutorStatementMessage,
  isStatementOutput,
  type FromExecutorStatementMessage,
  type StatementOutput,
  type ToExecutorStatementMessage,
} from './statement.messages';

/** What a job reports, before the server numbers it (@jobserver/api's rules). */
export type ReportedEvent = serverInternals.ReportedEvent;

/** The limits on a job's reports: `progress-rate`, `log-line-limit`, `log-lines-retained`. */
export interface ReportLimits extends serverInternals.ReportLimits {
  /** Posts of a job's reports a second, at most. */
  progressRate: number;
}

/** Main thread → executor: run one job. */
export interface RunJobMessage {
  type: 'run';
  jobId: string;
  contextName: string;
  /** Absolute file path of the bundle's entry module. */
  entryPath: string;
  classPath: string;
  /** The posted job config as a plain object. */
  config: Record<string, unknown>;
  /** The context's settings, given to the job as `ctx.settings`. */
  settings: Record<string, unknown>;
  /** `max-result-size` in bytes of the serialized result. */
  maxResultSize: number;
  /** Post `started` when validation passed (a thread message spared when nobody listens). @defaultValue true */
  announceStart?: boolean;
  /** `max-error-size`: errors and validation reasons are capped before they leave the thread. @defaultValue no cap */
  maxErrorSize?: number;
  /** `validate-timeout`: a `validate` still pending after this ends the job invalid. @defaultValue none */
  validateTimeoutMs?: number;
  /** @defaultValue the server's defaults (JOB_RUN_DEFAULTS) */
  reportLimits?: ReportLimits;
}

/** Main thread → executor: abort a running job's `ctx.signal`. */
export interface CancelJobMessage {
  type: 'cancel';
  jobId: string;
  reason: string;
}

/**
 * Main thread → executor, the one message on `parentPort`: the port of the private channel that
 * carries every other message both ways (see executor.channel.ts).
 */
export interface ConnectMessage {
  type: 'connect';
  port: MessagePort;
}

/** Everything the main thread sends to the executor thread (on the private channel). */
export type ToExecutorMessage = RunJobMessage | CancelJobMessage | ToExecutorStatementMessage | ToExecutorSnapshotMessage | DataPathAnswerMessage;

/**
 * How a job ended inside the executor: the outcomes of the runner shared with `runJobForTest`
 * (`finished`, `failed`, `invalid`), or that the job could not be loaded.
 */
export type JobOutcome =
  | serverInternals.JobRunOutcome
  /** The bundle has no export for the classPath, or the export has no `runJob`. */
  | { kind: 'class-not-found' }
  /** Importing the bundle threw. */
  | { kind: 'load-failed'; error: ErrorInfo }
  /** A console statement ran (whatever it did: its errors are in the output). */
  | { kind: 'statement'; output: StatementOutput }
  /**
   * The executor thread ended under the job (it exited, ran out of memory, or was replaced): the
   * job did not fail by itself (a retry may run it again). Never posted by the thread.
   */
  | { kind: 'failed'; error: ErrorInfo; executorDied: true };

/** Executor → main thread: validation passed and `runJob` is about to start. */
export interface JobStartedMessage {
  type: 'started';
  jobId: string;
}

/**
 * Executor → main thread: the job's `validate` is about to run (only jobs that have one). Posted
 * before user code runs, so the main thread hears it even if `validate` then spins forever; a
 * `started` (or `done`) follows once it returned.
 */
export interface JobValidatingMessage {
  type: 'validating';
  jobId: string;
}

/** Executor → main thread: the job ended. */
export interface JobDoneMessage {
  type: 'done';
  jobId: string;
  outcome: JobOutcome;
  /** The thread's V8 heap in use as the job ended (a busy thread's heap is told with each end). */
  heapUsed?: number;
}

/**
 * Executor → main thread: what a job reported through `ctx.progress`, `ctx.stage` and `ctx.log`
 * since the last such message, in call order (the latest progress only), and how many log lines
 * the thread dropped meanwhile (over `log-lines-retained`). A job's last one comes before its `done`.
 */
export interface JobReportsMessage {
  type: 'reports';
  jobId: string;
  events: ReportedEvent[];
  dropped: number;
}

/**
 * Executor → main thread, every MEMORY_REPORT_MS: the thread's V8 heap in use (metrics, the
 * worker's heartbeat); each `done` carries it too, so an idle thread need not wake often.
 */
export interface ExecutorMemoryMessage {
  type: 'memory';
  heapUsed: number;
}

/** Executor → main thread: the named-object store dropped an object by itself (its ttl, the budget). */
export interface ObjectsDroppedMessage {
  type: 'objects-dropped';
  name: string;
  reason: 'ttl' | 'budget';
  bytes?: number;
}

/** Everything the executor thread sends to the main thread. */
export type FromExecutorMessage =
  | ExecutorMemoryMessage
  | ObjectsDroppedMessage
  | JobStartedMessage
  | JobValidatingMessage
  | JobDoneMessage
  | JobReportsMessage
  | DataPathMessage
  | FromExecutorStatementMessage
  | FromExecutorSnapshotMessage;

/**
 * Whether a message from the executor thread has the shape of a {@link FromExecutorMessage}.
 * Job code shares the thread and can post anything on `parentPort` (`null`, a `done` without an
 * outcome, …); the main thread drops what fails this check instead of crashing on it or ending a
 * job with a malformed outcome.
 */
export function isFromExecutorMessage(value: unknown): value is FromExecutorMessage {
  if (isRecord(value) && value.type === 'memory') return typeof value.heapUsed === 'number';
  if (isRecord(value) && value.type === 'objects-dropped') return typeof value.name === 'string' && (value.reason === 'ttl' || value.reason === 'budget');
  if (!isRecord(value) || typeof value.jobId !== 'string') return false;
  if (isSnapshotMessage(value)) return isFromExecutorSnapshotMessage(value);
  switch (value.type) {
    case 'started':
    case 'validating':
      return true;
    case 'done':
      return isJobOutcome(value.outcome) && (value.heapUsed === undefined || typeof value.heapUsed === 'number');
    case 'reports':
      return typeof value.dropped === 'number' && Array.isArray(value.events) && value.events.every(isReportedEvent);
    case 'data-path':
      return isDataPathMessage(value);
    default:
      return isFromExecutorStatementMessage(value);
  }
}

const REPORT_TYPES: ReadonlySet<unknown> = new Set<ReportedEvent['type']>(['progress', 'stage', 'log']);

function isReportedEvent(value: unknown): value is ReportedEvent {
  return isRecord(value) && REPORT_TYPES.has(value.type) && typeof value.time === 'number';
}

function isJobOutcome(value: unknown): value is JobOutcome {
  if (!isRecord(value)) return false;
  switch (value.kind) {
    case 'finished':
      return value.result === undefined || typeof value.result === 'string';
    case 'failed':
    case 'load-failed':
      return isErrorInfo(value.error);
    case 'invalid':
      return typeof value.reason === 'string';
    case 'class-not-found':
      return true;
    case 'statement':
      return isStatementOutput(value.output);
    default:
      return false;
  }
}

function isErrorInfo(value: unknown): value is ErrorInfo {
  return (
    isRecord(value) &&
    typeof value.message === 'string' &&
    typeof value.errorClass === 'string' &&
    Array.isArray(value.stack) &&
    value.stack.every((frame) => typeof frame === 'string')
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
