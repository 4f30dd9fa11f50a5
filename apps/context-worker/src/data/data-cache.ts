import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';

/** A stored data file as the cache needs it: its record and a reader of its bytes. */
export interface DataStore {
  /** The file's sha256 and size, or null when no such file is stored. */
  find(filename: string): Promise<{ sha256: string; size: number } | null>;
  /** The file's bytes, in order. */
  chunks(filename: string): AsyncIterable<Buffer>;
}

interface CacheEntry {
  file: string;
  size: number;
  /** The jobs (or statements) that were handed this file and have not ended. */
  holders: Set<string>;
  /** Settles when the file is on disk with the stored content. */
  ready: Promise<void>;
}

/**
 * Data files on local disk by sha256, at most `maxBytes` of them (least recently used out, those
 * a running job holds excepted: the cache may run over while they are held). A file is written
 * from Postgres to a temporary name while hashing, and only renamed into place when its size and
 * sha256 match the record, so a path handed out always has the stored content. A file deleted in
 * Postgres stays on disk (still readable by the jobs that have its path) until it is evicted.
 */
export class DataCache {
  /** By sha256, in use order: the first is the least recently used. */
  private readonly entries = new Map<string, CacheEntry>();
  private bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly source: DataStore,
  ) {}

  /** Bytes of the files cached now. */
  get size(): number {
    return this.bytes;
  }

  /**
   * The local path of `filename`'s bytes, held for `holder` until {@link release}.
   * @throws Error `data file <name> not found`, or when what Postgres holds does not match its sha256
   */
  async path(filename: string, holder: string): Promise<string> {
    const record = await this.source.find(filename);
    if (!record) throw new Error(`data file ${filename} not found`);
    let entry = this.entries.get(record.sha256);
    if (entry) this.entries.delete(record.sha256);
    else {
      const file = path.join(this.dir, record.sha256);
      entry = { file, size: record.size, holders: new Set(), ready: this.fill(filename, record.sha256, record.size, file) };
      this.bytes += record.size;
    }
    this.entries.set(record.sha256, entry);
    entry.holders.add(holder);
    try {
      await entry.ready;
    } catch (error) {
      if (this.entries.get(record.sha256) === entry) this.drop(record.sha256, entry);
      throw error;
    }
    await this.evict();
    return entry.file;
  }

  /** Lets go of everything `holder` was handed (its job ended). */
  release(holder: string): void {
    for (const entry of this.entries.values()) entry.holders.delete(holder);
    void this.evict();
  }

  /** Removes the cache folder and forgets every entry. */
  async clear(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
    await rm(this.dir, { recursive: true, force: true });
  }

  private async evict(): Promise<void> {
    for (const [sha, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      if (entry.holders.size > 0) continue;
      this.drop(sha, entry);
      await entry.ready.catch(() => undefined);
      await rm(entry.file, { force: true });
    }
  }

  private drop(sha: string, entry: CacheEntry): void {
    this.entries.delete(sha);
    this.bytes -= entry.size;
  }

  private async fill(filename: string, sha256: string, size: number, file: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const hash = createHash('sha256');
      const out = createWriteStream(temp, { mode: 0o600 });
      let written = 0;
      for await (const chunk of this.source.chunks(filename)) {
        hash.update(chunk);
        written += chunk.length;
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      out.end();
      await finished(out);
      if (written !== size || hash.digest('hex') !== sha256) {
        throw new Error(`data file ${filename} read from Postgres does not match its sha256 (deleted meanwhile?)`);
      }
      await chmod(temp, 0o444);
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
