import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One uploaded version of an app's bundle. */
@Entity('bundles')
@Index('bundles_app_time', ['appName', 'uploadTime'])
export class BundleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'app_name', type: 'varchar', length: 100 })
  appName: string;

  @Column({ name: 'binary_type', type: 'varchar', length: 8 })
  binaryType: string;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'integer' })
  size: number;

  /** The entry to import, as found at upload (`bundle.mjs`, `dist/index.js`, …). */
  @Column({ type: 'varchar', length: 500 })
  entry: string;

  @Column({ type: 'bytea', select: false })
  bytes: Buffer;

  @Column({ name: 'upload_time', type: 'timestamptz', default: () => 'now()' })
  uploadTime: Date;

  /** The principal that uploaded it; null while auth is off. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  owner: string | null;
}
