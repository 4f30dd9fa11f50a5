import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys, and the owner (principal) of every bundle version, context and job; null while auth is off. */
export class Auth1733200000000 implements MigrationInterface {
  name = 'Auth1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(100) NOT NULL,
      secret_sha256 char(64) NOT NULL UNIQUE,
      permissions jsonb NOT NULL,
      owner varchar(200) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz)`);
    for (const table of ['bundles', 'contexts', 'jobs']) await q.query(`ALTER TABLE ${table} ADD COLUMN owner varchar(200)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['bundles', 'contexts', 'jobs']) await q.query(`ALTER TABLE ${table} DROP COLUMN owner`);
    await q.query(`DROP TABLE api_keys`);
  }
}
