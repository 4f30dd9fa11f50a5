import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { DATA_CHUNK_SIZE, DataFileRepository } from './repositories/data-file.repository';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const record = (filename: string, bytes: Buffer) => ({ filename, prefix: 'p', sha256: sha(bytes), size: bytes.length, owner: null });

describe('DataFileRepository on Postgres', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let source: DataSource;
  let files: DataFileRepository;

  beforeAll(async () => {
    db = await testDatabase();
    source = await openDataSource({ url: db.url, poolSize: 4 });
    await runMigrations(source);
    files = new DataFileRepository(source);
  });
  afterAll(async () => {
    await source?.destroy();
    await db?.drop();
  });

  it('stores a file in 1 MiB chunks and reads it back in order', async () => {
    const bytes = Buffer.from(Array.from({ length: 2.5 * DATA_CHUNK_SIZE }, (_, i) => (i * 7) % 256));
    expect(await files.insert(record('big.dat', bytes), bytes)).toBe(true);
    const chunks: Buffer[] = [];
    for await (const chunk of files.chunks('big.dat')) chunks.push(chunk);
    expect(chunks.map((c) => c.length)).toEqual([DATA_CHUNK_SIZE, DATA_CHUNK_SIZE, DATA_CHUNK_SIZE / 2]);
    expect(sha(Buffer.concat(chunks))).toBe(sha(bytes));
    expect(await files.find('big.dat')).toMatchObject({ sha256: sha(bytes), size: bytes.length, prefix: 'p' });
  });

  it('refuses a taken filename without touching the stored bytes', async () => {
    const first = Buffer.from('first');
    const results = await Promise.all([first, Buffer.from('second')].map((b) => files.insert(record('same.dat', b), b)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await files.find('same.dat');
    const chunks: Buffer[] = [];
    for await (const chunk of files.chunks('same.dat')) chunks.push(chunk);
    expect(sha(Buffer.concat(chunks))).toBe(stored!.sha256);
  });

  it('deletes a file with its chunks, and all files on reset', async () => {
    expect(await files.delete('big.dat')).toBe(true);
    expect(await files.delete('big.dat')).toBe(false);
    expect(await source.query(`SELECT 1 FROM data_chunks WHERE filename = 'big.dat'`)).toEqual([]);
    expect(await files.list()).toEqual(['same.dat']);
    expect(await files.deleteAll()).toBe(1);
    expect(await source.query('SELECT 1 FROM data_chunks')).toEqual([]);
  });
});
