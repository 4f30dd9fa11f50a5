import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Job priorities (issue 16): `priority` 0–100 from `POST /jobs?priority=`, 50 when not given.
 * Adding a column with a constant default rewrites no rows (Postgres ≥ 11).
 */
export class JobPriority1733700000000 implements MigrationInterface {
  name = 'JobPriority1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ADD COLUMN priority smallint NOT NULL DEFAULT 50`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs DROP COLUMN priority`);
  }
}
