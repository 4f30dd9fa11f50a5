import type { NamedObjectInfo } from '@jobserver/api';

export type { NamedObjectInfo } from '@jobserver/api';
/** Livy's statement states (API.md "Console"). */
export const STATEMENT_STATES = ['waiting', 'running', 'available', 'cancelling', 'cancelled'] as const;
export type StatementState = (typeof STATEMENT_STATES)[number];
/** States of a statement that has not ended yet. */
export const UNFINISHED_STATEMENT_STATES: readonly StatementState[] = ['waiting', 'running', 'cancelling'];

/**
 * `ctx.<name>` queue payload of a console statement (BullMQ job name `statement`): the statement
 * shares the queue, and so the `max-jobs-per-context` slots, with the context's jobs.
 */
export interface ContextStatementMessage {
  /** The context life the statement was posted to (a later context of the same name has its own). */
  contextId: string;
  statementId: number;
  /**
   * The code, when it is at most STATEMENT_CODE_IN_MESSAGE characters long; a longer one is read
   * from Postgres when it starts, so that 1000 queued statements cost Redis little.
   */
  code?: string;
}

/** Longest code carried in a statement's queue message (see ContextStatementMessage.code). */
export const STATEMENT_CODE_IN_MESSAGE = 4096;

/** A statement as the REST API shows it, without its code (the poster has that). */
export interface EndedStatement {
  state: StatementState;
  output: Record<string, unknown> | null;
  progress: number;
  started: number;
  completed: number;
}

/** Event channel: a statement ended (available or cancelled), published after its row was written. */
export interface StatementEvent {
  kind: 'statement';
  context: string;
  contextId: string;
  statementId: number;
  state: StatementState;
  /** The ended statement as written, when its output is small: a waiting POST answers without a read. */
  ended?: EndedStatement;
}

/** Largest serialized output an event carries (larger ones are read from Postgres). */
export const MAX_EVENT_OUTPUT_BYTES = 64 * 1024;

/** Event channel: a context worker's answer to a `complete` control message. */
export interface CompletionEvent {
  kind: 'completion';
  context: string;
  requestId: string;
  candidates: string[];
}

/**
 * Event channel: a context worker's answer to an `objects` control message: its executor's
 * named-object catalog (null when the executor thread did not answer: busy with a job), and
 * whether the object to remove was there.
 */
export interface ObjectsEvent {
  kind: 'objects';
  context: string;
  requestId: string;
  objects: NamedObjectInfo[] | null;
  removed?: boolean;
}

/** The BullMQ job name of statements on a context queue (jobs are named `job`). */
export const STATEMENT_QUEUE_JOB = 'statement';

/** The BullMQ id of a statement on its context queue. */
export function statementQueueId(contextId: string, statementId: number): string {
  return `statement-${contextId}-${statementId}`;
}
