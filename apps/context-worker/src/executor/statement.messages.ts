import type { NamedObjectInfo } from '@jobserver/api';
import type { ErrorInfo } from '@jobserver/protocol';

/**
 * The console's part of the executor protocol (API.md "Console"; also the named-object catalog,
 * `GET /contexts/<name>/objects`): a statement runs in the
 * executor thread like a job, keyed by `jobId` (the statement's key, see {@link statementKey}),
 * so that cancellation, restarts and crashes treat statements and jobs alike.
 */

/** Livy's output of a statement that ran to the end. */
export interface StatementOkOutput {
  status: 'ok';
  execution_count: number;
  data: { 'text/plain': string; 'application/json'?: unknown };
}

/** Livy's output of a statement that threw, did not parse or could not run. */
export interface StatementErrorOutput {
  status: 'error';
  execution_count: number;
  ename: string;
  evalue: string;
  traceback: string[];
}

export type StatementOutput = StatementOkOutput | StatementErrorOutput;

/** Main thread → executor: run one statement in the thread's REPL scope. */
export interface RunStatementMessage {
  type: 'statement';
  /** The statement's key (not a job id; one namespace with jobs for cancel and restarts). */
  jobId: string;
  /** The statement's id in its context (Livy's `execution_count`). */
  executionCount: number;
  code: string;
  contextName: string;
  settings: Record<string, unknown>;
  /** Bytes of `text/plain` kept; the rest is cut with a note. */
  maxOutputBytes: number;
  /** `max-result-size`: a larger `application/json` is left out with a note. */
  maxResultSize: number;
}

/** Main thread → executor: the answer to a {@link StatementLoadMessage}. */
export interface StatementLoadedMessage {
  type: 'statement-loaded';
  jobId: string;
  requestId: number;
  /** The entry module of the app's latest bundle, on success. */
  entryPath?: string;
  error?: ErrorInfo;
}

/** Main thread → executor: completion candidates for `code` at `cursor`. */
export interface CompleteMessage {
  type: 'statement-complete';
  jobId: string;
  code: string;
  cursor: number;
}

/** Executor → main thread: a statement called `load(appName)`. */
export interface StatementLoadMessage {
  type: 'statement-load';
  jobId: string;
  requestId: number;
  appName: string;
}

/** Executor → main thread: a statement called `progress(…)`; `fraction` is already clamped to 0…1. */
export interface StatementProgressMessage {
  type: 'statement-progress';
  jobId: string;
  fraction: number;
}

/** Executor → main thread: the answer to a {@link CompleteMessage}. */
export interface CompletionMessage {
  type: 'statement-completion';
  jobId: string;
  candidates: string[];
}

/** Main thread → executor: the named-object catalog, after destroying `remove` if given. */
export interface ObjectsMessage {
  type: 'statement-objects';
  jobId: string;
  remove?: string;
}

/** Executor → main thread: the answer to an {@link ObjectsMessage}. */
export interface ObjectsAnswerMessage {
  type: 'statement-objects-answer';
  jobId: string;
  objects: NamedObjectInfo[];
  /** Whether `remove` named a stored object (absent when nothing was to be removed). */
  removed?: boolean;
}

export type ToExecutorStatementMessage = RunStatementMessage | StatementLoadedMessage | CompleteMessage | ObjectsMessage;
export type FromExecutorStatementMessage = StatementLoadMessage | StatementProgressMessage | CompletionMessage | ObjectsAnswerMessage;

/** The executor key of statement `id` of context life `contextId` (never a job's uuid). */
export function statementKey(contextId: string, id: number): string {
  return `statement:${contextId}:${id}`;
}

/** Whether a (validated) message of the thread is one of the console's. */
export function isStatementMessage(message: { type: string }): message is FromExecutorStatementMessage {
  return message.type.startsWith('statement-');
}

/** Whether a message from the thread is a well-formed {@link FromExecutorStatementMessage}. */
export function isFromExecutorStatementMessage(value: Record<string, unknown>): boolean {
  switch (value.type) {
    case 'statement-load':
      return typeof value.requestId === 'number' && typeof value.appName === 'string';
    case 'statement-progress':
      return typeof value.fraction === 'number';
    case 'statement-completion':
      return Array.isArray(value.candidates) && value.candidates.every((c) => typeof c === 'string');
    case 'statement-objects-answer':
      return Array.isArray(value.objects) && (value.removed === undefined || typeof value.removed === 'boolean');
    default:
      return false;
  }
}

/** Whether a `done` outcome of kind `statement` carries an output of Livy's shape. */
export function isStatementOutput(value: unknown): value is StatementOutput {
  if (typeof value !== 'object' || value === null) return false;
  const output = value as Record<string, unknown>;
  if (typeof output.execution_count !== 'number') return false;
  if (output.status === 'ok') return typeof (output.data as { 'text/plain'?: unknown } | undefined)?.['text/plain'] === 'string';
  return output.status === 'error' && typeof output.ename === 'string' && typeof output.evalue === 'string' && Array.isArray(output.traceback);
}
