import type { DataFiles } from './types';

// Loaded when first used, not at import: job bundles (ES modules) bundle @jobserver/api's
// CommonJS build, where a top-level require of a node builtin fails at load.
const fsp = () => import('node:fs/promises');
const tempDir = async () => {
  const [{ mkdtemp }, { tmpdir }, { join }] = await Promise.all([fsp(), import('node:os'), import('node:path')]);
  return mkdtemp(join(tmpdir(), 'jobserver-test-data-'));
};

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
    if (this.dir) await (await fsp()).rm(await this.dir, { recursive: true, force: true });
  }

  private async write(filename: string): Promise<string> {
    const bytes = this.bytes(filename);
    this.dir ??= tempDir();
    const file = `${await this.dir}/${this.paths.size}`;
    await (await fsp()).writeFile(file, bytes, { mode: 0o444 });
    return file;
  }

  private bytes(filename: string): Buffer | string {
    if (!Object.hasOwn(this.files, filename)) throw new Error(`data file ${filename} not found`);
    return this.files[filename];
  }
}
