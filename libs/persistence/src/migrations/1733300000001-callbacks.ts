import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Completion callbacks (API.md "Completion callbacks"): the URL and delivery state of a job's
 * callback, on the job. `callback_queued_at` is when a delivery was last handed to the
 * `callbacks` queue (or attempted), so the scheduler's outbox scan can tell a callback nobody
 * has queued from one waiting for its next attempt.
 */
export class Callbacks1733300000001 implements MigrationInterface {
  name = 'Callbacks1733300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs
      ADD COLUMN callback_url varchar(2048),
      ADD COLUMN callback_state varchar(16),
      ADD COLUMN callback_attempts int NOT NULL DEFAULT 0,
      ADD COLUMN callback_last_status int,
      ADD COLUMN callback_queued_at timestamptz`);
    // The outbox scan reads only pending callbacks: the index holds those rows alone.
    await q.query(
      `CREATE INDEX jobs_callback_pending ON jobs (end_time) WHERE callback_state = 'PENDING'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX jobs_callback_pending`);
    await q.query(`ALTER TABLE jobs DROP COLUMN callback_url, DROP COLUMN callback_state,
      DROP COLUMN callback_attempts, DROP COLUMN callback_last_status, DROP COLUMN callback_queued_at`);
  }
}
