import type { BundleEntity } from '../entities/bundle.entity';
import { pgPool, type SqlSource } from './pg-pool';

export type NewBundle = Pick<BundleEntity, 'appName' | 'binaryType' | 'sha256' | 'size' | 'entry' | 'bytes' | 'owner'>;
export type BundleRecord = Omit<BundleEntity, 'bytes'>;

const BUNDLE_COLUMNS = `id, app_name AS "appName", binary_type AS "binaryType", sha256, size, entry,
  upload_time AS "uploadTime", owner`;

/** Stores every uploaded bundle version; the newest version of an app is the current one. */
export class BundleRepository {
  constructor(private readonly dataSource: SqlSource) {}

  async save(bundle: NewBundle): Promise<BundleRecord> {
    const rows: BundleRecord[] = await this.dataSource.query(
      `INSERT INTO bundles (app_name, binary_type, sha256, size, entry, bytes, owner) VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${BUNDLE_COLUMNS}`,
      [bundle.appName, bundle.binaryType, bundle.sha256, bundle.size, bundle.entry, bundle.bytes, bundle.owner ?? null],
    );
    return rows[0]!;
  }

  async latest(appName: string): Promise<BundleRecord | null> {
    // Raw SQL: this read is on the submit path of every job (TypeORM's find adds ~0.3 ms).
    const rows: BundleRecord[] = await this.dataSource.query(
      `SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE app_name = $1 ORDER BY upload_time DESC LIMIT 1`,
      [appName],
    );
    return rows[0] ?? null;
  }

  /** Every stored version of an app, newest first (the `bundles_app_time` index); none for an unknown app. */
  versions(appName: string): Promise<BundleRecord[]> {
    return this.dataSource.query(
      `SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE app_name = $1 ORDER BY upload_time DESC, id`,
      [appName],
    );
  }

  /** The newest version of every app, by app name. */
  listLatest(): Promise<BundleRecord[]> {
    return this.dataSource.query(`SELECT DISTINCT ON (app_name) ${BUNDLE_COLUMNS} FROM bundles ORDER BY app_name, upload_time DESC`);
  }

  /**
   * The shas of the newest version of the apps uploaded most recently (`limit` apps at most),
   * newest first, leaving out versions over `maxBytes`: what a spare worker fetches ahead.
   */
  async recentLatest(limit: number, maxBytes: number): Promise<string[]> {
    const rows: Array<{ sha256: string }> = await this.dataSource.query(
      `SELECT sha256 FROM (
         SELECT DISTINCT ON (app_name) sha256, size, upload_time FROM bundles ORDER BY app_name, upload_time DESC
       ) latest WHERE size <= $2 ORDER BY upload_time DESC LIMIT $1`,
      [limit, maxBytes],
    );
    return rows.map((row) => row.sha256);
  }

  /** Bytes and entry of a version, for workers filling their cache. */
  async bySha(sha256: string): Promise<Pick<BundleEntity, 'bytes' | 'entry' | 'binaryType'> | null> {
    const rows: Array<Pick<BundleEntity, 'bytes' | 'entry' | 'binaryType'>> = await this.dataSource.query(
      'SELECT bytes, entry, binary_type AS "binaryType" FROM bundles WHERE sha256 = $1 LIMIT 1',
      [sha256],
    );
    return rows[0] ?? null;
  }

  /** Deletes every version of an app; returns how many were deleted. */
  async deleteApp(appName: string): Promise<number> {
    const { rowCount } = await pgPool(this.dataSource).query('DELETE FROM bundles WHERE app_name = $1', [appName]);
    return rowCount ?? 0;
  }
}
