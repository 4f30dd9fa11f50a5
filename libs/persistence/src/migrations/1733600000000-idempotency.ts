import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys (issue 16): the first request with a key records what it acts on (`target`:
 * a job id, a context name) and a fingerprint of itself; a repeat within `idempotency-window`
 * answers from that target instead of acting again. `done`: the first request completed (a
 * context's creation answered); until then a repeat waits for it. One row per (scope, owner, key): the
 * primary key is what makes two gateways agree on who was first.
 */
export class Idempotency1733600000000 implements MigrationInterface {
  name = 'Idempotency1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE idempotency_keys (
      scope varchar(16) NOT NULL,
      owner varchar(200) NOT NULL DEFAULT '',
      key varchar(200) NOT NULL,
      fingerprint char(64) NOT NULL,
      target varchar(200) NOT NULL,
      done boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (scope, owner, key))`);
    await q.query(`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
