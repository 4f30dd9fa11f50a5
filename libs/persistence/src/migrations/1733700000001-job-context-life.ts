import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The context life a job was admitted to (`contexts.id`; null for ad-hoc jobs, whose context is
 * created after them, and for jobs recorded before this column). A stopped life ends only its own
 * jobs: a name reused at once has the new life's first jobs beside the old one's, and their
 * timestamps cannot tell them apart (a job's now() can precede the new life's start_time).
 */
export class JobContextLife1733700000001 implements MigrationInterface {
  name = 'JobContextLife1733700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ADD COLUMN context_id uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs DROP COLUMN context_id`);
  }
}
