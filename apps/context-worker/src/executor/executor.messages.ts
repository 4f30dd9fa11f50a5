import type { MessagePort } from 'node:worker_threads';
import type { serverInternals } from '@jobserver/api';
import type { ErrorInfo } from '@jobserver/protocol';
import {
  isFromExecutorStatementMessage,
  isStatementOutput,
  type FromExecutorStatementMessage,
  type StatementOutput,
  type ToExecutorStatementMessage,
} from './statement.messages';

/** Log levels a job's `ctx.log` offers. */
export type JobLogLevel = 'info' | 'warn' | 'error';

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
export type ToExecutorMessage = RunJobMessage | CancelJobMessage | ToExecutorStatementMessage;

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
  | { kind: 'statement'; output: StatementOutput };

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
}

/** Executor → main thread: a line the job logged through `ctx.log`. */
export interface JobLogMessage {
  type: 'log';
  jobId: string;
  level: JobLogLevel;
  message: string;
  fields?: Record<string, unknown>;
}

/** Everything the executor thread sends to the main thread. */
export type FromExecutorMessage =
  | JobStartedMessage
  | JobValidatingMessage
  | JobDoneMessage
  | JobLogMessage
  | FromExecutorStatementMessage;

/**
 * Whether a message from the executor thread has the shape of a {@link FromExecutorMessage}.
 * Job code shares the thread and can post anything on `parentPort` (`null`, a `done` without an
 * outcome, …); the main thread drops what fails this check instead of crashing on it or ending a
 * job with a malformed outcome.
 */
export function isFromExecutorMessage(value: unknown): value is FromExecutorMessage {
  if (!isRecord(value) || typeof value.jobId !== 'string') return false;
  switch (value.type) {
    case 'started':
    case 'validating':
      return true;
    case 'done':
      return isJobOutcome(value.outcome);
    case 'log':
      return LOG_LEVELS.has(value.level) && typeof value.message === 'string';
    default:
      return isFromExecutorStatementMessage(value);
  }
}

const LOG_LEVELS: ReadonlySet<unknown> = new Set<JobLogLevel>(['info', 'warn', 'error']);

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
