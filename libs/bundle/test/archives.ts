import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create } from 'tar';
import { ZipFile } from 'yazl';

/** Archive contents: path → file text; a value `{ symlink }` makes a symbolic link. */
export type ArchiveFiles = Record<string, string | Buffer | { symlink: string }>;

/** Builds a zip archive in memory. */
export async function zipOf(
  files: ArchiveFiles,
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [path, content] of Object.entries(files)) {
    if (typeof content === 'object' && !Buffer.isBuffer(content)) {
      zip.addBuffer(Buffer.from(content.symlink), path, { mode: 0o120777 });
    } else {
      zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), path, {
        compress: options.compress ?? true,
      });
    }
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Builds a gzipped (or, with `gzip: false`, plain) tar archive by packing a temporary folder with node-tar. */
export async function tgzOf(
  files: ArchiveFiles,
  options: { gzip?: boolean } = {},
): Promise<Buffer> {
  const work = await mkdtemp(join(tmpdir(), 'bundle-tgz-'));
  try {
    const src = join(work, 'src');
    await mkdir(src);
    for (const [path, content] of Object.entries(files)) {
      const target = join(src, path);
      await mkdir(dirname(target), { recursive: true });
      if (typeof content === 'object' && !Buffer.isBuffer(content)) {
        await symlink(content.symlink, target);
      } else {
        await writeFile(target, content);
      }
    }
    const topLevel = [...new Set(Object.keys(files).map((path) => path.split('/')[0]))];
    const out = join(work, 'out.tgz');
    await create({ gzip: options.gzip ?? true, cwd: src, file: out, portable: true }, topLevel);
    return await readFile(out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Replaces every occurrence of `from` by `to` (same byte length) in a copy of `bytes`. */
export function patchBytes(bytes: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) {
    throw new Error('patchBytes needs equal lengths');
  }
  const copy = Buffer.from(bytes);
  const needle = Buffer.from(from);
  for (let at = copy.indexOf(needle); at !== -1; at = copy.indexOf(needle, at + 1)) {
    Buffer.from(to).copy(copy, at);
  }
  return copy;
}

/** Creates a fresh temporary folder for a test. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Sets the size field of the tar header of `path` (plain tar) and fixes the header checksum. */
export function patchTarSize(tar: Buffer, path: string, size: number): Buffer {
  const copy = Buffer.from(tar);
  const at = copy.indexOf(Buffer.from(`${path}\0`));
  copy.write(`${size.toString(8).padStart(11, '0')}\0`, at + 124, 'latin1');
  copy.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + 512; i += 1) sum += copy[i];
  copy.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
  return copy;
}

/** Sets the entry counts of a zip's end-of-central-directory record. */
export function patchZipEntryCount(zip: Buffer, count: number): Buffer {
  const copy = Buffer.from(zip);
  const eocd = copy.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  copy.writeUInt16LE(count, eocd + 8);
  copy.writeUInt16LE(count, eocd + 10);
  return copy;
}
