import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1732700000000 implements MigrationInterface {
  name = 'Initial1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE bundles (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      app_name varchar(100) NOT NULL,
      binary_type varchar(8) NOT NULL,
      sha256 char(64) NOT NULL,
      size integer NOT NULL,
      entry varchar(500) NOT NULL,
      bytes bytea NOT NULL,
      upload_time timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX bundles_app_time ON bundles (app_name, upload_time)`);
    await q.query(`CREATE INDEX bundles_sha ON bundles (sha256)`);
    await q.query(`CREATE TABLE contexts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(200) NOT NULL,
      state varchar(16) NOT NULL,
      settings jsonb NOT NULL DEFAULT '{}',
      ad_hoc boolean NOT NULL DEFAULT false,
      worker varchar(200),
      pid integer,
      start_time timestamptz NOT NULL DEFAULT now(),
      end_time timestamptz,
      error jsonb)`);
    await q.query(`CREATE UNIQUE INDEX contexts_live_name ON contexts (name)
      WHERE state IN ('STARTED', 'RUNNING', 'STOPPING', 'RESTARTING')`);
    await q.query(`CREATE TABLE jobs (
      id uuid PRIMARY KEY,
      app_name varchar(100) NOT NULL,
      bundle_sha char(64) NOT NULL,
      class_path varchar(500) NOT NULL,
      context_name varchar(200) NOT NULL,
      ad_hoc boolean NOT NULL DEFAULT false,
      status varchar(16) NOT NULL,
      config text NOT NULL,
      result text,
      error jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      start_time timestamptz,
      end_time timestamptz)`);
    await q.query(`CREATE INDEX jobs_created ON jobs (created_at)`);
    await q.query(`CREATE INDEX jobs_status_created ON jobs (status, created_at)`);
    await q.query(`CREATE INDEX jobs_context_status ON jobs (context_name, status)`);
    await q.query(`CREATE INDEX jobs_app_status ON jobs (app_name, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE jobs`);
    await q.query(`DROP TABLE contexts`);
    await q.query(`DROP TABLE bundles`);
  }
}
