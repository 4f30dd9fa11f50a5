import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Context snapshots (`POST /contexts/<name>/snapshots`): one `context_snapshots` row each (what
 * the list shows: the context's name, its owner, the objects' names in order, the skipped ones
 * with their reasons, the bytes), and each object's `v8.serialize` bytes in
 * `context_snapshot_objects`, 1 MiB a row like data files, so that neither side builds one
 * object's whole hex text in one query. Both are written in one transaction. The bytes are stored
 * uncompressed (`STORAGE EXTERNAL`): pglz on v8-serialized numbers took 8.3 s for 64 MB here, against
 * 0.46 s uncompressed; what is stored is what `snapshot-max-bytes` caps.
 */
export class ContextSnapshots1733800000100 implements MigrationInterface {
  name = 'ContextSnapshots1733800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE context_snapshots (
      id uuid PRIMARY KEY,
      context varchar(100) NOT NULL,
      owner varchar(200),
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      objects jsonb NOT NULL,
      skipped jsonb NOT NULL,
      bytes bigint NOT NULL)`);
    await q.query(`CREATE INDEX context_snapshots_newest ON context_snapshots (context, created_at DESC)`);
    await q.query(`CREATE TABLE context_snapshot_objects (
      snapshot_id uuid NOT NULL REFERENCES context_snapshots(id) ON DELETE CASCADE,
      name text NOT NULL,
      seq int NOT NULL,
      bytes bytea NOT NULL,
      PRIMARY KEY (snapshot_id, name, seq))`);
    await q.query(`ALTER TABLE context_snapshot_objects ALTER COLUMN bytes SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE context_snapshot_objects`);
    await q.query(`DROP TABLE context_snapshots`);
  }
}
