import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data files (API.md "Data files"). The bytes live in `data_chunks`, 1 MiB a row, not in one
 * bytea: an upload is inserted chunk by chunk and a worker reads it chunk by chunk to disk, so
 * neither side builds the whole file's hex text (a second, doubled copy) in one query.
 */
export class DataFiles1733400000000 implements MigrationInterface {
  name = 'DataFiles1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE data_files (
      filename varchar(200) PRIMARY KEY,
      prefix varchar(100) NOT NULL,
      sha256 char(64) NOT NULL,
      size bigint NOT NULL,
      owner varchar(200),
      upload_time timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE data_chunks (
      filename varchar(200) NOT NULL REFERENCES data_files(filename) ON DELETE CASCADE,
      seq int NOT NULL,
      bytes bytea NOT NULL,
      PRIMARY KEY (filename, seq))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE data_chunks`);
    await q.query(`DROP TABLE data_files`);
  }
}
