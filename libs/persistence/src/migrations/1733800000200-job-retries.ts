import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Job retries (issue 16): `retries` 0–10 from `POST /jobs?retries=`, 0 when not given, and
 * `attempt`, the number of the job's current (or last) run, 1 for the first. Constant defaults
 * rewrite no rows (Postgres ≥ 11); jobs recorded before ran once (attempt 1, no retries).
 */
export class JobRetries1733800000200 implements MigrationInterface {
  name = 'JobRetries1733800000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ADD COLUMN retries smallint NOT NULL DEFAULT 0, ADD COLUMN attempt smallint NOT NULL DEFAULT 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs DROP COLUMN retries, DROP COLUMN attempt`);
  }
}
