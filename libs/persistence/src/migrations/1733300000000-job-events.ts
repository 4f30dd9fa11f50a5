import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Job progress, stages and log lines (docs/events.md): the job row keeps the latest progress,
 * its stages and the last seq it used; `job_events` keeps the detail events (seq 3 … n).
 */
export class JobEvents1733300000000 implements MigrationInterface {
  name = 'JobEvents1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ADD COLUMN event_seq int NOT NULL DEFAULT 1,
      ADD COLUMN progress jsonb,
      ADD COLUMN stages jsonb,
      ADD COLUMN log_lines int NOT NULL DEFAULT 0`);
    // Jobs recorded before this migration: queued (1), running if started (2), their end (3).
    await q.query(`UPDATE jobs SET event_seq = 1 + (start_time IS NOT NULL)::int + (end_time IS NOT NULL)::int
      WHERE start_time IS NOT NULL OR end_time IS NOT NULL`);
    await q.query(`CREATE TABLE job_events (
      job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      seq int NOT NULL,
      time timestamptz NOT NULL,
      type varchar(16) NOT NULL,
      line int,
      payload jsonb NOT NULL,
      PRIMARY KEY (job_id, seq))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_events`);
    await q.query(`ALTER TABLE jobs DROP COLUMN event_seq, DROP COLUMN progress, DROP COLUMN stages, DROP COLUMN log_lines`);
  }
}
