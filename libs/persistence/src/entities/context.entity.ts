import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ContextState, ErrorInfo } from '@jobserver/protocol';

/** One life of a context; a name is held by at most one live row (partial unique index). */
@Entity('contexts')
export class ContextEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  state: ContextState;

  @Column({ type: 'jsonb', default: {} })
  settings: Record<string, unknown>;

  @Column({ name: 'ad_hoc', type: 'boolean', default: false })
  adHoc: boolean;

  /** Which process hosts it (`<host>/<pid>` for local workers). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  worker: string | null;

  @Column({ type: 'integer', nullable: true })
  pid: number | null;

  @Column({ name: 'start_time', type: 'timestamptz', default: () => 'now()' })
  startTime: Date;

  @Column({ name: 'end_time', type: 'timestamptz', nullable: true })
  endTime: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  error: ErrorInfo | null;

  /** The principal that created it (an ad-hoc context: its job's owner); null while auth is off. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  owner: string | null;
}
