import { randomUUID } from 'node:crypto';
import type { SnapshotSummary } from '@jobserver/protocol';
import { pgPool, type SqlSource } from './pg-pool';
import { jsonbParam, textParam } from './pg-values';

/** Bytes of one `context_snapshot_objects` row. */
export const SNAPSHOT_CHUNK_SIZE = 1024 * 1024;
/** Rows {@link SnapshotRepository.objects} reads a query. */
const SNAPSHOT_ROWS_PER_QUERY = 16;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A named object a snapshot left out, and why. */
export interface SnapshotSkip {
  name: string;
  reason: string;
}

/** A stored snapshot, without its objects' bytes. */
export interface SnapshotRecord {
  id: string;
  /** The name of the context it was taken of. */
  context: string;
  /** The owner of that context (auth.isolate-owners). */
  owner: string | null;
  createdAt: Date;
  /** The names of the objects it holds, in the order they are restored. */
  objects: string[];
  skipped: SnapshotSkip[];
  /** Bytes of the objects' serializations. */
  bytes: number;
}

/** One object of a snapshot: its name and `v8.serialize` bytes. */
export interface SnapshotObject {
  name: string;
  data: Uint8Array;
}

type Row = Omit<SnapshotRecord, 'bytes'> & { bytes: string };
const COLUMNS = `id, context, owner, created_at AS "createdAt", objects, skipped, bytes`;
const toRecord = (row: Row): SnapshotRecord => ({ ...row, bytes: Number(row.bytes) });

/** Context snapshots: a `context_snapshots` row each, the objects' bytes in 1 MiB `context_snapshot_objects` rows. */
export class SnapshotRepository {
  constructor(private readonly dataSource: SqlSource) {}

  /** Stores a snapshot and its objects' bytes in one transaction (all or nothing). */
  async insert(snapshot: { context: string; owner: string | null; skipped: SnapshotSkip[] }, objects: SnapshotObject[]): Promise<SnapshotRecord> {
    const id = randomUUID();
    const bytes = objects.reduce((sum, o) => sum + o.data.byteLength, 0);
    const client = await pgPool(this.dataSource).connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<Row>(
        `INSERT INTO context_snapshots (id, context, owner, objects, skipped, bytes) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [id, snapshot.context, snapshot.owner, jsonbParam(objects.map((o) => o.name)), jsonbParam(snapshot.skipped), bytes],
      );
      for (const object of objects) {
        const data = Buffer.from(object.data.buffer, object.data.byteOffset, object.data.byteLength);
        for (let seq = 0; seq === 0 || seq * SNAPSHOT_CHUNK_SIZE < data.length; seq++) {
          const chunk = data.subarray(seq * SNAPSHOT_CHUNK_SIZE, (seq + 1) * SNAPSHOT_CHUNK_SIZE);
          await client.query('INSERT INTO context_snapshot_objects (snapshot_id, name, seq, bytes) VALUES ($1, $2, $3, $4)', [id, textParam(object.name), seq, chunk]);
        }
      }
      await client.query('COMMIT');
      return toRecord(rows[0]);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The snapshots of a context name, newest first (only `owner`'s when given). */
  async list(context: string, owner?: string): Promise<SnapshotRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM context_snapshots WHERE context = $1 AND ($2::text IS NULL OR owner = $2) ORDER BY created_at DESC, id`,
      [context, owner ?? null],
    );
    return rows.map(toRecord);
  }

  /** The snapshot with that id; null when there is none (or the id is not a uuid). */
  async find(id: string): Promise<SnapshotRecord | null> {
    if (!UUID.test(id)) return null;
    const rows: Row[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM context_snapshots WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * The newest snapshot of a context name, or null; with `owner` given, the newest of that owner's
   * (null: taken without auth).
   */
  async latest(context: string, owner?: string | null): Promise<SnapshotRecord | null> {
    const mine = owner === undefined ? '' : ' AND owner IS NOT DISTINCT FROM $2';
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM context_snapshots WHERE context = $1${mine} ORDER BY created_at DESC, id LIMIT 1`,
      owner === undefined ? [context] : [context, owner],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Deletes a snapshot and its objects; whether it existed. */
  async delete(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    // The pg pool, not dataSource.query: TypeORM answers a DELETE with [rows, count].
    const result = await pgPool(this.dataSource).query('DELETE FROM context_snapshots WHERE id = $1', [id]);
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * A snapshot's objects with their bytes, in its order (none when it is gone). Read
   * {@link SNAPSHOT_ROWS_PER_QUERY} rows a query (keyset by name and seq), so that no answer holds
   * more than 16 MiB of hex text, and many small objects do not take a query each.
   */
  async objects(snapshot: SnapshotRecord): Promise<SnapshotObject[]> {
    const chunks = new Map<string, Buffer[]>();
    let after: [string, number] = ['', -1];
    for (;;) {
      const rows: Array<{ name: string; seq: number; bytes: Buffer }> = await this.dataSource.query(
        `SELECT name, seq, bytes FROM context_snapshot_objects WHERE snapshot_id = $1 AND (name, seq) > ($2, $3)
         ORDER BY name, seq LIMIT ${SNAPSHOT_ROWS_PER_QUERY}`,
        [snapshot.id, ...after],
      );
      for (const row of rows) {
        if (!chunks.has(row.name)) chunks.set(row.name, []);
        chunks.get(row.name)!.push(row.bytes);
      }
      if (rows.length < SNAPSHOT_ROWS_PER_QUERY) break;
      const last = rows[rows.length - 1];
      after = [last.name, last.seq];
    }
    return snapshot.objects.filter((name) => chunks.has(name)).map((name) => ({ name, data: Buffer.concat(chunks.get(name)!) }));
  }
}

/** A snapshot as the REST answers and the worker's answer event show it (ISO time, no owner). */
export function toSnapshotSummary(record: SnapshotRecord): SnapshotSummary {
  const { id, context, createdAt, objects, skipped, bytes } = record;
  return { id, context, createdAt: createdAt.toISOString(), objects, skipped, bytes };
}
