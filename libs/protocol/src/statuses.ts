/** Stored job statuses (`OK` is only the label of a finished job's own report). */
export const JOB_STATUSES = ['QUEUED', 'RUNNING', 'FINISHED', 'ERROR', 'KILLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['FINISHED', 'ERROR', 'KILLED'];

/** Delivery state of a job's completion callback (API.md "Completion callbacks"). */
export const CALLBACK_STATES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type CallbackState = (typeof CALLBACK_STATES)[number];

export const CONTEXT_STATES = [
  'STARTED',
  'RUNNING',
  'STOPPING',
  'FINISHED',
  'ERROR',
  'KILLED',
  'RESTARTING',
] as const;
export type ContextState = (typeof CONTEXT_STATES)[number];
/** States of a context that holds its name: a new context of the same name is refused. */
export const LIVE_CONTEXT_STATES: readonly ContextState[] = [
  'STARTED',
  'RUNNING',
  'STOPPING',
  'RESTARTING',
];

export function isJobStatus(value: string): value is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}
