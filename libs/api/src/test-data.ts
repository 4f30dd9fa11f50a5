import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataFiles } from './types';

/**
 * `ctx.data` of {@link runJobForTest}: the files given in its `data` option, by filename. `path`
 * writes a file to a temporary folder on first use; {@link TestDataFiles.cleanUp} removes it
 * once the job ended.
 */
export class TestDataFiles implements DataFiles {
  private dir: Promise<string> | undefined;
  private readonly paths = new Map<string, Promise<string>>();

  constructor(private readonly files: Readonly<Record<string, Buffer | string>>) {}

  read(filename: string): Promise<Buffer> {
    try {
      return Promise.resolve(Buffer.from(this.bytes(filename)));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  path(filename: string): Promise<string> {
    let file = this.paths.get(filename);
    if (!file) {
      file = this.write(filename);
      this.paths.set(filename, file);
    }
    return file;
  }

  async cleanUp(): Promise<void> {
    if (this.dir) await rm(await this.dir, { recursive: true, force: true });
  }

  private async write(filename: string): Promise<string> {
    const bytes = this.bytes(filename);
    this.dir ??= mkdtemp(path.join(tmpdir(), 'jobserver-test-data-'));
    const file = path.join(await this.dir, String(this.paths.size));
    await writeFile(file, bytes, { mode: 0o444 });
    return file;
  }

  private bytes(filename: string): Buffer | string {
    if (!Object.hasOwn(this.files, filename)) throw new Error(`data file ${filename} not found`);
    return this.files[filename];
  }
}
