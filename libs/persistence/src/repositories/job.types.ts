import type { ErrorInfo, JobDetailEventType, JobProgress, JobStatus } from '@jobserver/protocol';
import type { JobEntity, JobStageRecord } from '../entities/job.entity';

export type JobRecord = JobEntity;
export type NewJob = Pick<JobEntity, 'id' | 'appName' | 'bundleSha' | 'classPath' | 'contextName' | 'adHoc' | 'config'> & {
  /** The principal that submitted it; null (the default) while auth is off. */
  owner?: string | null;
  /** Where its end is POSTed (recorded PENDING); null (the default) for none. */
  callbackUrl?: string | null;
  /** 0–100, higher first; 50 (the default) when not given. */
  priority?: number;
  /** 0–10 runs after the first if its executor or worker dies; 0 (the default) when not given. */
  retries?: number;
};
export type JobSummary = Omit<JobEntity, 'config' | 'result' | 'error' | `callback${string}`>;
/** A job to record: its bundle is the app's latest version, looked up as it is inserted. */
export type SubmittedJob = Omit<NewJob, 'bundleSha'>;

/** How a job ended. */
export interface JobEnding {
  status: Extract<JobStatus, 'FINISHED' | 'ERROR' | 'KILLED'>;
  result?: string | null;
  error?: ErrorInfo | null;
}

/** A batch of a running job's detail events for {@link JobRepository.recordDetails}, in seq order. */
export interface DetailBatch {
  rows: Array<{ time: string; type: JobDetailEventType; line: number | null; payload: Record<string, unknown> }>;
  /** The batch's latest progress, if any. */
  progress: JobProgress | null;
  /** The stages the batch begins, each but the last ended by the next; the row's last open stage ends at the first. */
  stages: JobStageRecord[] | null;
  /** Lines the job logged in all, as of this batch (its last line + 1); 0 without lines. */
  logLines: number;
  /** Log rows of lines below this are not inserted (over log-lines-retained already). */
  keepFromLine: number;
  /** Deletes the log rows of lines below `belowLine` among the rows from seq `fromSeq` on. */
  trim?: { belowLine: number; fromSeq: number };
}

/** What an end statement tells of the job it ended. */
export interface EndedJob {
  /** The terminal event's seq. */
  seq: number;
  endTime: Date;
  /** When it was submitted and started (the end's, for a job that never ran): for the metrics. */
  createdAt: Date;
  startTime: Date;
  appName: string;
  classPath: string;
  /** Whether it has a completion callback to deliver. */
  callback: boolean;
}

/** A job whose next attempt a retry began: its `retry` event (seq, time), and what a new submission of it needs. */
export interface RetriedJob {
  id: string;
  seq: number;
  time: Date;
  /** The number of the attempt that begins (2 for the first retry). */
  attempt: number;
  appName: string;
  bundleSha: string;
  classPath: string;
  config: string;
  owner: string | null;
  priority: number;
  /** The lines its attempts logged so far: the next attempt's go on from there. */
  logLines: number;
}
