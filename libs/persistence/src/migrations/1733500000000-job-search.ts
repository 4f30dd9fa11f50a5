import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes of the job list's filters and keyset pages (GET /jobs, GET /jobs/counts): each filter
 * column followed by the list's order, so a filtered page reads its rows in order and stops.
 */
export class JobSearch1733500000000 implements MigrationInterface {
  name = 'JobSearch1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX jobs_created_id ON jobs (created_at DESC, id)`);
    await q.query(`CREATE INDEX jobs_app_created ON jobs (app_name, created_at DESC, id)`);
    await q.query(`CREATE INDEX jobs_class_created ON jobs (class_path, created_at DESC, id)`);
    await q.query(`CREATE INDEX jobs_context_created ON jobs (context_name, created_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['jobs_created_id', 'jobs_app_created', 'jobs_class_created', 'jobs_context_created']) {
      await q.query(`DROP INDEX ${name}`);
    }
  }
}
