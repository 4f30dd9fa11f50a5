import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataCache, type DataStore } from './data-cache';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** An in-memory store of data files; `corrupt` makes a file's bytes differ from its record. */
function memoryStore(files: Record<string, Buffer>, corrupt = new Set<string>()): DataStore & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    find: (name) => Promise.resolve(files[name] ? { sha256: sha(files[name]), size: files[name].length } : null),
    async *chunks(name) {
      reads.push(name);
      const bytes = files[name];
      yield bytes.subarray(0, 3);
      yield corrupt.has(name) ? Buffer.from('tampered') : bytes.subarray(3);
    },
  };
}

describe('DataCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-cache-spec-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const files = { 'a.dat': Buffer.alloc(40, 'a'), 'b.dat': Buffer.alloc(40, 'b'), 'c.dat': Buffer.alloc(40, 'c') };

  it('hands out a read-only file with the stored bytes, fetched once while cached', async () => {
    const store = memoryStore(files);
    const cache = new DataCache(dir, 1000, store);
    const first = await cache.path('a.dat', 'j1');
    const again = await cache.path('a.dat', 'j2');
    expect(again).toBe(first);
    expect(fs.readFileSync(first)).toEqual(files['a.dat']);
    expect(fs.statSync(first).mode & 0o222).toBe(0);
    expect(store.reads).toEqual(['a.dat']);
  });

  it('evicts the least recently used file past its size, not a recently used one', async () => {
    const store = memoryStore(files);
    const cache = new DataCache(dir, 80, store);
    const a = await cache.path('a.dat', 'j1');
    await cache.path('b.dat', 'j1');
    cache.release('j1');
    await cache.path('a.dat', 'j2'); // a is now the most recently used
    cache.release('j2');
    const b = path.join(dir, sha(files['b.dat']));
    await cache.path('c.dat', 'j3');
    cache.release('j3');
    await new Promise((r) => setTimeout(r, 20));
    expect(fs.existsSync(a)).toBe(true);
    expect(fs.existsSync(b)).toBe(false);
    expect(cache.size).toBe(80);
  });

  it('never evicts a file a running job holds, running over its size meanwhile', async () => {
    const cache = new DataCache(dir, 50, memoryStore(files));
    const a = await cache.path('a.dat', 'j1');
    const b = await cache.path('b.dat', 'j2');
    expect(fs.existsSync(a) && fs.existsSync(b)).toBe(true);
    expect(cache.size).toBe(80);
    cache.release('j1');
    await new Promise((r) => setTimeout(r, 20));
    expect(fs.existsSync(a)).toBe(false);
    expect(fs.existsSync(b)).toBe(true);
    expect(cache.size).toBe(40);
  });

  it('keeps a held file readable after it was deleted in the store', async () => {
    const live: Record<string, Buffer> = { ...files };
    const cache = new DataCache(dir, 1000, memoryStore(live));
    const a = await cache.path('a.dat', 'j1');
    delete live['a.dat'];
    expect(fs.readFileSync(a)).toEqual(files['a.dat']);
    await expect(cache.path('a.dat', 'j2')).rejects.toThrow('data file a.dat not found');
  });

  it('refuses bytes that do not match the stored sha256 and leaves nothing behind', async () => {
    const cache = new DataCache(dir, 1000, memoryStore(files, new Set(['a.dat'])));
    await expect(cache.path('a.dat', 'j1')).rejects.toThrow(/does not match its sha256/);
    expect(cache.size).toBe(0);
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });

  it('rejects an unknown file with a clear message', async () => {
    const cache = new DataCache(dir, 1000, memoryStore(files));
    await expect(cache.path('nope.dat', 'j1')).rejects.toThrow('data file nope.dat not found');
  });
});
