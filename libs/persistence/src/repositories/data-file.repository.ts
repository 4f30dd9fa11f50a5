import { pgPool, type SqlSource } from './pg-pool';

/** Bytes of one `data_chunks` row. */
export const DATA_CHUNK_SIZE = 1024 * 1024;

/** A stored data file, without its bytes. */
export interface DataFileRecord {
  filename: string;
  prefix: string;
  sha256: string;
  size: number;
  owner: string | null;
  uploadTime: Date;
}

export type NewDataFile = Omit<DataFileRecord, 'uploadTime'>;

/** Data files (`/data`): one `data_files` row each, the bytes in 1 MiB `data_chunks` rows. */
export class DataFileRepository {
  constructor(private readonly dataSource: SqlSource) {}

  /**
   * Stores a file and its bytes in one transaction, chunk by chunk.
   * @returns false (and stores nothing) when the filename is taken
   */
  async insert(file: NewDataFile, bytes: Buffer): Promise<boolean> {
    const client = await pgPool(this.dataSource).connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query(
        `INSERT INTO data_files (filename, prefix, sha256, size, owner) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (filename) DO NOTHING`,
        [file.filename, file.prefix, file.sha256, file.size, file.owner],
      );
      if (inserted.rowCount === 0) {
        await client.query('ROLLBACK');
        return false;
      }
      for (let seq = 0; seq * DATA_CHUNK_SIZE < bytes.length; seq++) {
        const chunk = bytes.subarray(seq * DATA_CHUNK_SIZE, (seq + 1) * DATA_CHUNK_SIZE);
        await client.query('INSERT INTO data_chunks (filename, seq, bytes) VALUES ($1, $2, $3)', [file.filename, seq, chunk]);
      }
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Every filename, oldest upload first. */
  async list(): Promise<string[]> {
    const rows: Array<{ filename: string }> = await this.dataSource.query(
      'SELECT filename FROM data_files ORDER BY upload_time, filename',
    );
    return rows.map((row) => row.filename);
  }

  /** The file's record, or null when no such file is stored. */
  async find(filename: string): Promise<DataFileRecord | null> {
    const rows: Array<DataFileRecord & { size: string }> = await this.dataSource.query(
      `SELECT filename, prefix, sha256, size, owner, upload_time AS "uploadTime" FROM data_files WHERE filename = $1`,
      [filename],
    );
    return rows[0] ? { ...rows[0], size: Number(rows[0].size) } : null;
  }

  /**
   * The file's bytes, one chunk per query (so a reader holds one chunk at a time). A file deleted
   * meanwhile ends early: the reader checks size and sha256.
   */
  async *chunks(filename: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const rows: Array<{ bytes: Buffer }> = await this.dataSource.query(
        'SELECT bytes FROM data_chunks WHERE filename = $1 AND seq = $2',
        [filename, seq],
      );
      if (!rows[0]) return;
      yield rows[0].bytes;
    }
  }

  /** Deletes one file; whether it existed. */
  async delete(filename: string): Promise<boolean> {
    // The pg pool, not dataSource.query: TypeORM answers a DELETE with [rows, count].
    const result = await pgPool(this.dataSource).query('DELETE FROM data_files WHERE filename = $1', [filename]);
    return (result.rowCount ?? 0) > 0;
  }

  /** Deletes every file (`PUT /data?reset=reboot`); how many. */
  async deleteAll(): Promise<number> {
    const result = await pgPool(this.dataSource).query('DELETE FROM data_files');
    return result.rowCount ?? 0;
  }
}
