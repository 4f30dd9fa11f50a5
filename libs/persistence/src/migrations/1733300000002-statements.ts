import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Console statements (API.md "Console"), per context life: ids count from 0 per context
 * (`contexts.next_statement` hands them out), `started`/`completed` are epoch ms as Livy has them.
 */
export class Statements1733300000002 implements MigrationInterface {
  name = 'Statements1733300000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contexts ADD COLUMN next_statement int NOT NULL DEFAULT 0`);
    await q.query(`CREATE TABLE statements (
      context_id uuid NOT NULL REFERENCES contexts(id) ON DELETE CASCADE,
      id int NOT NULL,
      code text NOT NULL,
      state varchar(16) NOT NULL,
      output jsonb,
      progress double precision NOT NULL DEFAULT 0,
      started bigint NOT NULL DEFAULT 0,
      completed bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (context_id, id))`);
    // The sweeps look for unfinished statements only.
    await q.query(`CREATE INDEX statements_unfinished ON statements (context_id) WHERE state IN ('waiting', 'running', 'cancelling')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE statements`);
    await q.query(`ALTER TABLE contexts DROP COLUMN next_statement`);
  }
}
