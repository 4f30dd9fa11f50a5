import type { ErrorInfo } from './error-info';
import type { ContextState, JobStatus } from './statuses';

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
}

/** `ctx.<name>` queue payload. */
export interface ContextJobMessage {
  jobId: string;
  appName: string;
  bundleSha: string;
  classPath: string;
  /** The job config as JSON text. */
  config: string;
}

export type ContextCommand =
  | { type: 'create'; context: string }
  | { type: 'stop'; context: string; reason?: string };

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
}

export interface ContextEvent {
  kind: 'context';
  context: string;
  contextId: string;
  state: ContextState;
  error?: ErrorInfo;
}

export type ServerEvent = JobEvent | ContextEvent;

export type WorkerControl =
  | { type: 'cancel'; context: string; jobId: string; reason: 'killed' }
  | { type: 'stop'; context: string };
