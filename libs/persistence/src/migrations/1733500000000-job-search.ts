import type { MigrationInterface, QueryRunner } from 'typeorm';

const LOWER = [
  ['jobs_app_lower', 'app_name'],
  ['jobs_class_lower', 'class_path'],
  ['jobs_context_lower', 'context_name'],
] as const;

/**
 * Indexes of the job list's filters and keyset pages (GET /jobs, GET /jobs/counts): each filter
 * column followed by the list's order, so a filtered page reads its rows in order and stops.
 */
export class JobSearch1733500000000 implements MigrationInterface {
  name = 'JobSearch1733500000000';

  async up(q: QueryRunner): Promise<void> {
    // Replaces jobs_created (created_at): this one serves its range scans too, one index less to write.
    await q.query(`CREATE INDEX jobs_created_id ON jobs (created_at DESC, id)`);
    await q.query(`DROP INDEX IF EXISTS jobs_created`);
    await q.query(`CREATE INDEX jobs_app_created ON jobs (app_name, created_at DESC, id)`);
    await q.query(`CREATE INDEX jobs_class_created ON jobs (class_path, created_at DESC, id)`);
    await q.query(`CREATE INDEX jobs_context_created ON jobs (context_name, created_at DESC, id)`);
    // q= is a case-insensitive prefix: lower(column) LIKE 'prefix%' reads a range of these.
    for (const [name, column] of LOWER) {
      await q.query(`CREATE INDEX ${name} ON jobs (lower(${column}) text_pattern_ops)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['jobs_created_id', 'jobs_app_created', 'jobs_class_created', 'jobs_context_created', ...LOWER.map(([n]) => n)]) {
      await q.query(`DROP INDEX ${name}`);
    }
    await q.query(`CREATE INDEX jobs_created ON jobs (created_at)`);
  }
}
