import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataFileRepository } from '@jobserver/persistence';
import { BadRequest, DataFileNotFound, dataFilename, dataPrefixProblem, isDataFilename } from '@jobserver/protocol';

/** Names tried for one upload: the ISO time, then `-1` … `-9` suffixes for same-millisecond uploads. */
const NAME_ATTEMPTS = 10;

/** Stores, lists and deletes data files (API.md "Data files"). */
@Injectable()
export class DataService {
  constructor(private readonly files: DataFileRepository) {}

  /**
   * Stores the body under `<prefix>-<ISO time>.dat`.
   * @throws BadRequest for a bad prefix or an empty body
   */
  async upload(prefix: string, body: unknown, owner: string | null): Promise<string> {
    const problem = dataPrefixProblem(prefix);
    if (problem) throw new BadRequest(problem);
    const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    if (bytes.length === 0) throw new BadRequest('data file is empty: send its bytes as the request body');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const time = new Date();
    for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
      const filename = dataFilename(prefix, time, attempt);
      if (await this.files.insert({ filename, prefix, sha256, size: bytes.length, owner }, bytes)) return filename;
    }
    throw new Error(`no free filename for prefix ${prefix} after ${NAME_ATTEMPTS} attempts`);
  }

  list(): Promise<string[]> {
    return this.files.list();
  }

  /** @throws DataFileNotFound */
  async delete(filename: string): Promise<void> {
    if (!isDataFilename(filename) || !(await this.files.delete(filename))) throw new DataFileNotFound(filename);
  }

  async reset(): Promise<void> {
    await this.files.deleteAll();
  }
}
