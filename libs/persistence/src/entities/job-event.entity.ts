import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JobDetailEventType } from '@jobserver/protocol';

/**
 * A job's progress, stage or log event (seq 3 … n of docs/events.md); queued, running and the
 * terminal event are not rows, they are read from the job's row.
 */
@Entity('job_events')
export class JobEventEntity {
  @PrimaryColumn({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @PrimaryColumn({ type: 'int' })
  seq: number;

  @Column({ type: 'timestamptz' })
  time: Date;

  @Column({ type: 'varchar', length: 16 })
  type: JobDetailEventType;

  /** Log events: the line's number, 0-based over every line the job logged. */
  @Column({ type: 'int', nullable: true })
  line: number | null;

  /** The event's own fields (docs/events.md "Event shapes"), without seq, time and type. */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;
}
