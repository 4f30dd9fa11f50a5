import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tgzOf, zipOf } from '../test/archives';
import { bundleManifest, inspectBundle, verifyBundleFolder, writeBundle } from './index';
import { makeWritable } from './bundle.manifest';

const created: string[] = [];
afterEach(async () => {
  for (const dir of created.splice(0)) {
    await makeWritable(dir).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

async function parent(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bundle-manifest-'));
  created.push(dir);
  return dir;
}

const PACKAGE = {
  'pkg/package.json': JSON.stringify({ name: 'p', main: 'index.js' }),
  'pkg/index.js': "exports.value = require('./helper').value;\n",
  'pkg/helper.js': "exports.value = 'original';\n",
  'pkg/lib/deep.js': 'exports.deep = 1;\n',
  'README.md': 'outside the package folder\n',
};

const hex = (data: string | Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Makes a file or folder writable again (the cache writes them read-only). */
const unlock = (path: string, mode = 0o644) => chmod(path, mode);

describe('bundle manifests', () => {
  it('describes a JavaScript bundle as its entry with the bytes sha256', async () => {
    const bytes = Buffer.from('export const A = 1;\n');
    expect([...(await bundleManifest(bytes, await inspectBundle(bytes)))]).toEqual([['bundle.mjs', hex(bytes)]]);
  });

  it('lists every file of an archive package folder, from the bytes and as written, alike', async () => {
    const bytes = await zipOf(PACKAGE);
    const info = await inspectBundle(bytes);
    const fromBytes = await bundleManifest(bytes, info);
    expect([...fromBytes.keys()].sort()).toEqual(['helper.js', 'index.js', 'lib/deep.js', 'package.json']);
    expect(fromBytes.get('helper.js')).toBe(hex(PACKAGE['pkg/helper.js']));
    const dir = join(await parent(), 'sha');
    const written = await writeBundle(bytes, info, dir);
    expect(written.manifest).toEqual(fromBytes);
    expect(await verifyBundleFolder(dir, written.manifest)).toEqual([]);
  });

  it('writes the cache read-only: files 0444, folders 0555', async () => {
    const bytes = await zipOf(PACKAGE);
    const dir = join(await parent(), 'sha');
    await writeBundle(bytes, await inspectBundle(bytes), dir);
    expect((await stat(join(dir, 'index.js'))).mode & 0o777).toBe(0o444);
    expect((await stat(join(dir, 'lib'))).mode & 0o777).toBe(0o555);
    expect((await stat(dir)).mode & 0o777).toBe(0o555);
  });

  it('reports a changed file, a planted extra file, a planted symlink and a missing file', async () => {
    const bytes = await zipOf(PACKAGE);
    const dir = join(await parent(), 'sha');
    const { manifest } = await writeBundle(bytes, await inspectBundle(bytes), dir);
    await unlock(dir, 0o755);
    await unlock(join(dir, 'helper.js'));
    await writeFile(join(dir, 'helper.js'), "exports.value = 'planted';\n");
    await writeFile(join(dir, 'helper'), "exports.value = 'planted';\n");
    await symlink('index.js', join(dir, 'alias.js'));
    await unlock(join(dir, 'lib'), 0o755);
    await unlink(join(dir, 'lib/deep.js'));
    expect((await verifyBundleFolder(dir, manifest)).sort()).toEqual([
      'changed: helper.js',
      'extra: alias.js',
      'extra: helper',
      'missing: lib/deep.js',
    ]);
  });

  it('reports a bundle folder that is gone', async () => {
    const bytes = Buffer.from('export const A = 1;\n');
    const manifest = await bundleManifest(bytes, await inspectBundle(bytes));
    const problems = await verifyBundleFolder(join(await parent(), 'absent'), manifest);
    expect(problems[0]).toMatch(/^unreadable/);
  });

  it('replaces a tampered folder with a fresh extraction that matches again', async () => {
    const bytes = await zipOf(PACKAGE);
    const info = await inspectBundle(bytes);
    const dir = join(await parent(), 'sha');
    const { manifest } = await writeBundle(bytes, info, dir);
    await unlock(dir, 0o755);
    await writeFile(join(dir, 'helper'), 'planted');
    // Without replace an existing entry is used as is (the caller verifies it) …
    await writeBundle(bytes, info, dir);
    expect(await verifyBundleFolder(dir, manifest)).toEqual(['extra: helper']);
    // … with replace it is extracted afresh.
    const again = await writeBundle(bytes, info, dir, { replace: true });
    expect(await verifyBundleFolder(dir, again.manifest)).toEqual([]);
    expect(await readFile(join(dir, 'helper.js'), 'utf8')).toBe(PACKAGE['pkg/helper.js']);
  });

  it('lists a tgz package with its symlinks, and notices a symlink pointed elsewhere', async () => {
    const bytes = await tgzOf({
      'package/package.json': JSON.stringify({ name: 't', main: 'index.js' }),
      'package/index.js': "module.exports = require('./alias');\n",
      'package/real.js': 'module.exports = { value: 1 };\n',
      'package/alias.js': { symlink: 'real.js' },
    });
    const info = await inspectBundle(bytes);
    const dir = join(await parent(), 'sha');
    const { manifest } = await writeBundle(bytes, info, dir);
    expect(manifest).toEqual(await bundleManifest(bytes, info));
    expect(manifest.get('alias.js')).toBe('symlink:real.js');
    expect(await verifyBundleFolder(dir, manifest)).toEqual([]);
    await unlock(dir, 0o755);
    await unlink(join(dir, 'alias.js'));
    await symlink('index.js', join(dir, 'alias.js'));
    expect(await verifyBundleFolder(dir, manifest)).toEqual(['changed: alias.js']);
  });
});
