import { serialize } from 'node:v8';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { SNAPSHOT_CHUNK_SIZE, SnapshotRepository } from './repositories/snapshot.repository';

describe('SnapshotRepository on Postgres', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let source: DataSource;
  let snapshots: SnapshotRepository;

  beforeAll(async () => {
    db = await testDatabase();
    source = await openDataSource({ url: db.url, poolSize: 4 });
    await runMigrations(source);
    snapshots = new SnapshotRepository(source);
  });
  afterAll(async () => {
    await source?.destroy();
    await db?.drop();
  });

  it('stores a snapshot with its objects (large ones in 1 MiB rows) and reads them back in its order', async () => {
    const big = Buffer.from(Array.from({ length: 2.5 * SNAPSHOT_CHUNK_SIZE }, (_, i) => (i * 7) % 256));
    const small = serialize({ a: 1 });
    const skipped = [{ name: 'fn', reason: 'a function at value: functions cannot be cloned' }];
    const record = await snapshots.insert({ context: 'ctx', owner: 'alice', skipped }, [
      { name: 'zeta', data: new Uint8Array(small) },
      { name: 'big', data: big },
    ]);
    expect(record).toMatchObject({ context: 'ctx', owner: 'alice', objects: ['zeta', 'big'], skipped, bytes: big.length + small.length });
    expect(record.createdAt).toBeInstanceOf(Date);
    const objects = await snapshots.objects(record);
    expect(objects.map((o) => o.name)).toEqual(['zeta', 'big']);
    expect(Buffer.compare(Buffer.from(objects[0].data), small)).toBe(0);
    expect(Buffer.compare(Buffer.from(objects[1].data), big)).toBe(0);
    const rows = await source.query(`SELECT count(*)::int AS n FROM context_snapshot_objects WHERE snapshot_id = $1`, [record.id]);
    expect(rows[0].n).toBe(1 + 3);
    expect(await snapshots.find(record.id)).toEqual(record);
  });

  it('reads back many small objects and large ones mixed, across query pages, in the snapshot order', async () => {
    const objects = Array.from({ length: 40 }, (_, i) => ({ name: `o${String(39 - i).padStart(2, '0')}`, data: serialize(i % 7 === 0 ? 'x'.repeat(SNAPSHOT_CHUNK_SIZE + i) : i) }));
    const record = await snapshots.insert({ context: 'many', owner: null, skipped: [] }, objects);
    const read = await snapshots.objects(record);
    expect(read.map((o) => o.name)).toEqual(objects.map((o) => o.name));
    read.forEach((o, i) => expect(Buffer.compare(Buffer.from(o.data), objects[i].data), o.name).toBe(0));
  });

  it('lists a context name newest first, by owner when asked, and finds the latest', async () => {
    const first = await snapshots.insert({ context: 'listed', owner: 'alice', skipped: [] }, []);
    const second = await snapshots.insert({ context: 'listed', owner: 'bob', skipped: [] }, [{ name: 'x', data: serialize(1) }]);
    expect((await snapshots.list('listed')).map((s) => s.id)).toEqual([second.id, first.id]);
    expect((await snapshots.list('listed', 'alice')).map((s) => s.id)).toEqual([first.id]);
    expect((await snapshots.latest('listed'))?.id).toBe(second.id);
    expect(await snapshots.latest('never')).toBeNull();
    expect(await snapshots.list('never')).toEqual([]);
  });

  it('deletes a snapshot with its objects, once', async () => {
    const record = await snapshots.insert({ context: 'gone', owner: null, skipped: [] }, [{ name: 'x', data: serialize('x') }]);
    expect(await snapshots.delete(record.id)).toBe(true);
    expect(await snapshots.delete(record.id)).toBe(false);
    expect(await snapshots.delete('not-a-uuid')).toBe(false);
    expect(await snapshots.find(record.id)).toBeNull();
    expect(await snapshots.objects(record)).toEqual([]);
  });

  it('finds nothing for an unknown id or one that is not a uuid', async () => {
    expect(await snapshots.find('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await snapshots.find('42')).toBeNull();
    expect(await snapshots.find("x'; DROP TABLE context_snapshots; --")).toBeNull();
  });

  it('stores nothing of a snapshot whose write fails part way', async () => {
    const before = await snapshots.list('half');
    // Two objects of one name: the second insert breaks the primary key after the first went in.
    const twice = [{ name: 'dup', data: serialize(1) }, { name: 'dup', data: serialize(2) }];
    await expect(snapshots.insert({ context: 'half', owner: null, skipped: [] }, twice)).rejects.toThrow();
    expect(await snapshots.list('half')).toEqual(before);
    const orphans = await source.query(`SELECT count(*)::int AS n FROM context_snapshot_objects o LEFT JOIN context_snapshots s ON s.id = o.snapshot_id WHERE s.id IS NULL`);
    expect(orphans[0].n).toBe(0);
  });
});
