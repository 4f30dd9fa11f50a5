import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedules (issue 16): a job to submit on a cron or every period. `next_run_at` is the tick the
 * schedule waits for; every scheduler looks for due ones, and a tick's job id is derived from
 * the schedule's id and the tick, so the jobs table's primary key lets one of them run it.
 * `schedule_runs` is each tick's outcome (its job, or why none ran), newest kept.
 */
export class Schedules1733800000000 implements MigrationInterface {
  name = 'Schedules1733800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE schedules (
      id uuid PRIMARY KEY,
      name varchar(200) NOT NULL UNIQUE,
      app_name varchar(200) NOT NULL,
      class_path varchar(200) NOT NULL,
      context_name varchar(200),
      cron varchar(200),
      every_ms bigint,
      timezone varchar(100),
      config text NOT NULL,
      priority smallint NOT NULL DEFAULT 50,
      retries smallint NOT NULL DEFAULT 0,
      missed varchar(4),
      owner varchar(200),
      context_owner varchar(200),
      paused boolean NOT NULL DEFAULT false,
      anchor timestamptz NOT NULL,
      next_run_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((cron IS NULL) <> (every_ms IS NULL)))`);
    await q.query(`CREATE INDEX schedules_due ON schedules (next_run_at) WHERE NOT paused`);
    await q.query(`CREATE TABLE schedule_runs (
      schedule_id uuid NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
      tick_at timestamptz NOT NULL,
      job_id uuid,
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (schedule_id, tick_at))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE schedule_runs`);
    await q.query(`DROP TABLE schedules`);
  }
}
