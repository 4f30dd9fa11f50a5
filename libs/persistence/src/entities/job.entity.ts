import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CallbackState, ErrorInfo, JobProgress, JobStatus } from '@jobserver/protocol';

/** A stage as the job row keeps it (ISO times; no `endTime` while it runs). */
export interface JobStageRecord {
  name: string;
  startTime: string;
  endTime?: string;
}

@Entity('jobs')
@Index('jobs_created', ['createdAt'])
@Index('jobs_status_created', ['status', 'createdAt'])
@Index('jobs_context_status', ['contextName', 'status'])
@Index('jobs_app_status', ['appName', 'status'])
export class JobEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'app_name', type: 'varchar', length: 100 })
  appName: string;

  @Column({ name: 'bundle_sha', type: 'char', length: 64 })
  bundleSha: string;

  @Column({ name: 'class_path', type: 'varchar', length: 500 })
  classPath: string;

  @Column({ name: 'context_name', type: 'varchar', length: 200 })
  contextName: string;

  @Column({ name: 'ad_hoc', type: 'boolean', default: false })
  adHoc: boolean;

  @Column({ type: 'varchar', length: 16 })
  status: JobStatus;

  /** The posted config as JSON text (key order kept). */
  @Column({ type: 'text' })
  config: string;

  /** The serialized result as JSON text; null when the job returned `undefined` or did not finish. */
  @Column({ type: 'text', nullable: true })
  result: string | null;

  @Column({ type: 'jsonb', nullable: true })
  error: ErrorInfo | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'start_time', type: 'timestamptz', nullable: true })
  startTime: Date | null;

  @Column({ name: 'end_time', type: 'timestamptz', nullable: true })
  endTime: Date | null;

  /** The principal that submitted it; null while auth is off. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  owner: string | null;

  /** The context life it was admitted to; null for ad-hoc jobs (see the job-context-life migration). */
  @Column({ name: 'context_id', type: 'uuid', nullable: true })
  contextId: string | null;

  /** 0–100, higher first within its context's queue (equal ones in submission order); 50 by default. */
  @Column({ type: 'smallint', default: 50 })
  priority: number;

  /** How many times the job is run again after its executor or worker died (or it threw a retryable error): 0–10, 0 by default. */
  @Column({ type: 'smallint', default: 0 })
  retries: number;

  /** The number of its current (or last) run: 1 for the first, up to retries + 1. */
  @Column({ type: 'smallint', default: 1 })
  attempt: number;

  /** The last event seq the job used (docs/events.md): 1 at insert, ≥ 2 once started. */
  @Column({ name: 'event_seq', type: 'int', default: 1 })
  eventSeq: number;

  /** The latest progress the job reported; null until it reports one. */
  @Column({ type: 'jsonb', nullable: true })
  progress: JobProgress | null;

  /** The stages the job began, in order; null until it begins one. */
  @Column({ type: 'jsonb', nullable: true })
  stages: JobStageRecord[] | null;

  /** How many lines the job logged in all, retained or not. */
  @Column({ name: 'log_lines', type: 'int', default: 0 })
  logLines: number;
  /** Where the job's end is POSTed (API.md "Completion callbacks"); null without a callback. */
  @Column({ name: 'callback_url', type: 'varchar', length: 2048, nullable: true })
  callbackUrl: string | null;

  /** PENDING until delivered (a 2xx) or FAILED after the last attempt; null without a callback. */
  @Column({ name: 'callback_state', type: 'varchar', length: 16, nullable: true })
  callbackState: CallbackState | null;

  @Column({ name: 'callback_attempts', type: 'int', default: 0 })
  callbackAttempts: number;

  /** HTTP status of the last attempt; null before one, or when it got no answer (network error, timeout). */
  @Column({ name: 'callback_last_status', type: 'int', nullable: true })
  callbackLastStatus: number | null;

  /** When a delivery was last queued or attempted (the outbox scan's mark). */
  @Column({ name: 'callback_queued_at', type: 'timestamptz', nullable: true })
  callbackQueuedAt: Date | null;
}
