import type { ErrorInfo } from './error-info';
import type { CompletionEvent, ObjectsEvent, StatementEvent } from './statements';
import type { SnapshotEvent } from './snapshots';
import type { ContextState, JobStatus } from './statuses';

/** A notice on the auth channel: an API key was revoked, or an address is blocked for `seconds`. */
export type AuthNotice =
  | { type: 'key-revoked'; keyId: string }
  | { type: 'address-blocked'; address: string; seconds: number };

/** `submit` queue payload: everything the scheduler needs to route a job without a read. */
export interface SubmitMessage {
  jobId: string;
  /** The named context, or the ad-hoc context to create. */
  context: string;
  adHoc: boolean;
  /** The ad-hoc context's settings (from the body's `context-settings`). */
  settings?: Record<string, unknown>;
  appName: string;
  bundleSha: string;
  classPath: string;
  /** The job config as JSON text. */
  config: string;
  /** The principal that submitted the job, owner of its ad-hoc context; null while auth is off. */
  owner?: string | null;
  /** Whether a request waits for the job's RUNNING event (async POSTs do; sync ones need only the end). */
  notifyStart?: boolean;
  /** 0–100, higher first; absent: DEFAULT_PRIORITY. */
  priority?: number;
  /** A job submitted again after its worker died (a retry): the lines its earlier attempts logged. */
  firstLogLine?: number;
}

/** How many times a job is run again after its executor or worker died, when `POST /jobs` says nothing. */
export const DEFAULT_RETRIES = 0;
/** The most `retries=<n>` takes: a job that keeps killing its executor should not hold a context for long. */
export const MAX_RETRIES = 10;

/** A job's priority when its `POST /jobs` names none (0–100, higher first). */
export const DEFAULT_PRIORITY = 50;

/**
 * The BullMQ priority of a context queue entry (1 is taken first) for a job priority. Every
 * entry has one, default jobs and console statements too: BullMQ takes entries without a
 * priority before all prioritized ones, which would put them ahead of a priority 100.
 */
export function queuePriority(priority: number = DEFAULT_PRIORITY): number {
  return 101 - priority;
}

/** `callbacks` queue payload (BullMQ job id = the job id): the job whose callback is due. */
export interface CallbackDelivery {
  jobId: string;
}

/** `ctx.<name>` queue payload. */
export interface ContextJobMessage {
  jobId: string;
  appName: string;
  bundleSha: string;
  classPath: string;
  /** The job config as JSON text. */
  config: string;
  /** Publish the RUNNING event (someone waits for it). @defaultValue true */
  notifyStart?: boolean;
  /** A retried job's: the lines its earlier attempts logged, where its log lines go on from. @defaultValue 0 */
  firstLogLine?: number;
}

/** What a context's worker needs of a submitted job (gateways and the scheduler's router both queue it). */
export function contextJobMessage(message: Omit<SubmitMessage, 'bundleSha'>, bundleSha: string): ContextJobMessage {
  const { jobId, appName, classPath, config, notifyStart, firstLogLine } = message;
  return { jobId, appName, bundleSha, classPath, config, notifyStart, ...(firstLogLine ? { firstLogLine } : {}) };
}

/** `context-claims` queue payload: a context waiting for an idle pool worker (BullMQ job id = context id). */
export interface ContextClaim {
  contextId: string;
  context: string;
}

export type ContextCommand =
  /** `contextId`: the life the gateway recorded (STARTED); absent (older gateways): whichever is live. */
  | { type: 'create'; context: string; contextId?: string }
  /** `contextId`: the life of the name to stop (a later one of the same name is left alone); absent: whichever is live. */
  | { type: 'stop'; context: string; contextId?: string; reason?: string; force?: boolean };

/** Why a job failed before it ran, so that gateways can pick the HTTP answer. */
export type JobRejection = 'VALIDATION' | 'CLASS_NOT_FOUND' | 'CONTEXT_NOT_FOUND' | 'CONTEXT_STOPPING';

export interface JobEvent {
  kind: 'job';
  jobId: string;
  context: string;
  status: JobStatus;
  /** Terminal FINISHED: the result as JSON text; absent when the job returned `undefined`. */
  result?: string;
  error?: ErrorInfo;
  rejection?: JobRejection;
  adHoc?: boolean;
  /** RUNNING: when the job started (ISO-8601). */
  startTime?: string;
  /** The job's event seq (docs/events.md): 1 QUEUED, 2 RUNNING, the end statement's for the end. */
  seq?: number;
  /** When the transition happened (ISO-8601). */
  time?: string;
  appName?: string;
  classPath?: string;
  /** Terminal: the job has a completion callback to deliver (set only then, so schedulers queue it at once). */
  callback?: true;
}

export interface ContextEvent {
  kind: 'context';
  context: string;
  contextId: string;
  state: ContextState;
  error?: ErrorInfo;
}

export type ServerEvent = JobEvent | ContextEvent | StatementEvent | CompletionEvent | ObjectsEvent | SnapshotEvent;

/**
 * Commands to context workers. `kill` makes the worker hosting that life of the context exit at
 * once (the pool launcher's SIGKILL: it cannot signal a process on another machine).
 */
export type WorkerControl =
  | { type: 'cancel'; context: string; jobId: string; reason: 'killed' }
  | { type: 'stop'; context: string; contextId?: string; force?: boolean }
  | { type: 'kill'; context: string; contextId: string }
  | { type: 'cancel-statement'; context: string; contextId: string; statementId: number }
  | { type: 'complete'; context: string; requestId: string; code: string; cursor: number }
  | { type: 'objects'; context: string; requestId: string; remove?: string }
  | { type: 'snapshot'; context: string; requestId: string };
