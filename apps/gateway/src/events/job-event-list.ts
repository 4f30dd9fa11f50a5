import type { JobRecord, StoredJobEvent } from '@jobserver/persistence';

/** An event as `GET /jobs/<id>/events` and its stream send it: `seq`, `time`, `type`, then its own fields, flat. */
export interface JobEventOut {
  seq: number;
  time: string;
  type: string;
  [field: string]: unknown;
}

/** The types that end a job's events (the stream closes after one). */
export const TERMINAL_EVENT_TYPES: ReadonlySet<string> = new Set(['finished', 'error', 'killed']);

const TERMINAL_TYPE: Partial<Record<JobRecord['status'], string>> = { FINISHED: 'finished', ERROR: 'error', KILLED: 'killed' };

/** Whether the job's row says it ended. */
export function hasEnded(job: Pick<JobRecord, 'status'>): boolean {
  return TERMINAL_TYPE[job.status] !== undefined;
}

/**
 * A job's events with `after < seq`, in order (docs/events.md): queued and running synthesized
 * from the row, then `details` (its job_events rows after `after`), then, when `report` is given
 * (the job ended and every detail row after `after` is in `details`), the terminal event carrying
 * the final report.
 */
export function jobEventList(
  job: JobRecord,
  details: StoredJobEvent[],
  after: number,
  report?: Record<string, unknown>,
): JobEventOut[] {
  const events: JobEventOut[] = [];
  const type = TERMINAL_TYPE[job.status];
  // A job that ended without having run has a start_time (its report's) but event_seq 2: its end.
  const neverRan = type !== undefined && job.eventSeq === 2;
  if (after < 1) events.push({ seq: 1, time: job.createdAt.toISOString(), type: 'queued' });
  if (after < 2 && job.startTime && !neverRan) events.push({ seq: 2, time: job.startTime.toISOString(), type: 'running' });
  for (const detail of details) events.push({ seq: detail.seq, time: detail.time.toISOString(), type: detail.type, ...detail.payload });
  // Rows recorded before the events migration may hold a smaller seq: queued and running come first.
  const seq = neverRan ? 2 : Math.max(job.eventSeq, 3);
  if (report && type && seq > after) {
    events.push({ seq, time: (job.endTime ?? job.createdAt).toISOString(), type, ...report });
  }
  return events;
}
