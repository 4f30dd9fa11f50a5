import { describe, expect, it } from 'vitest';
import { inspectBundle, InvalidBundle } from './index';
import { gzipSync } from 'node:zlib';
import { patchBytes, patchTarSize, patchZipEntryCount, tgzOf, zipOf } from '../test/archives';

const pkg = (manifest: object): string => JSON.stringify(manifest);

describe('inspectBundle (zip)', () => {
  it('resolves main of a root package.json, adding .js like Node', async () => {
    const bytes = await zipOf({
      'package.json': pkg({ name: 'a', main: './lib/main' }),
      'lib/main.js': '',
    });
    expect(await inspectBundle(bytes)).toEqual({ type: 'zip', entry: 'lib/main.js' });
  });

  it('falls back to index.js and to main/index.js', async () => {
    expect(await inspectBundle(await zipOf({ 'package.json': '{}', 'index.js': '' }))).toEqual({
      type: 'zip',
      entry: 'index.js',
    });
    const dirMain = await zipOf({ 'package.json': pkg({ main: 'lib' }), 'lib/index.js': '' });
    expect((await inspectBundle(dirMain)).entry).toBe('lib/index.js');
  });

  it('refuses an archive without package.json', async () => {
    await expect(inspectBundle(await zipOf({ 'index.js': 'x' }))).rejects.toThrow(
      /no package.json/,
    );
  });

  it('refuses a package.json whose entry is missing', async () => {
    const bytes = await zipOf({
      'package.json': pkg({ main: 'dist/index.js' }),
      'src/index.ts': '',
    });
    await expect(inspectBundle(bytes)).rejects.toThrow(
      /^package.json has no resolvable entry \(main\/exports\)/,
    );
    await expect(inspectBundle(await zipOf({ 'package.json': '{}' }))).rejects.toThrow(
      InvalidBundle,
    );
  });

  it('refuses invalid package.json', async () => {
    await expect(
      inspectBundle(await zipOf({ 'package.json': '{nope', 'index.js': '' })),
    ).rejects.toThrow(/package.json is not valid JSON/);
  });

  it('refuses a truncated zip', async () => {
    const bytes = await zipOf({
      'package.json': pkg({ main: 'index.js' }),
      'index.js': 'x'.repeat(1000),
    });
    const error = await inspectBundle(bytes.subarray(0, bytes.length - 30)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidBundle);
    expect((error as Error).message).toMatch(/^zip archive is corrupt/);
  });

  it('refuses a zip whose data does not match its CRC', async () => {
    const bytes = await zipOf(
      { 'package.json': pkg({ main: 'index.js' }), 'index.js': Buffer.from('hello') },
      { compress: false },
    );
    await expect(inspectBundle(patchBytes(bytes, 'hello', 'jello'))).rejects.toThrow(
      /zip archive is corrupt/,
    );
  });

  it('refuses a zip-slip entry', async () => {
    const bytes = await zipOf({
      'package.json': pkg({ main: 'index.js' }),
      'index.js': '',
      'xx/evil.js': '',
    });
    const slip = patchBytes(bytes, 'xx/evil.js', '../evil.js');
    await expect(inspectBundle(slip)).rejects.toThrow(/escapes the package folder/);
  });

  it('refuses a symlink pointing outside', async () => {
    const bytes = await zipOf({
      'package.json': pkg({}),
      'index.js': '',
      link: { symlink: '../../etc/passwd' },
    });
    await expect(inspectBundle(bytes)).rejects.toThrow(/points outside/);
  });

  it('refuses an entry written through a symlink', async () => {
    const bytes = await zipOf({
      'package.json': '{}',
      'index.js': '',
      d: { symlink: '.' },
      'd/x.js': '',
    });
    await expect(inspectBundle(bytes)).rejects.toThrow(/goes through a symlink/);
  });

  it('refuses zip bombs: too many entries and too many bytes', async () => {
    const small = await zipOf({ 'package.json': '{}', 'index.js': '' });
    await expect(inspectBundle(patchZipEntryCount(small, 20_001))).rejects.toThrow(
      /more than 20000 entries/,
    );

    const big = await zipOf({ 'package.json': '{}', 'index.js': Buffer.alloc(5000) });
    const central = big.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const patched = Buffer.from(big);
    for (
      let at = central;
      at !== -1;
      at = patched.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 1)
    ) {
      patched.writeUInt32LE(0x30000000, at + 24);
    }
    await expect(inspectBundle(patched)).rejects.toThrow(/more than 512 MiB/);
  });
});

describe('inspectBundle (tgz)', () => {
  it('resolves exports conditions inside the package/ folder', async () => {
    const bytes = await tgzOf({
      'package/package.json': pkg({
        main: 'main.js',
        exports: {
          '.': { types: './x.d.ts', import: './esm/index.mjs', require: './cjs/index.cjs' },
          './sub': './sub.js',
        },
      }),
      'package/esm/index.mjs': '',
      'package/cjs/index.cjs': '',
    });
    expect(await inspectBundle(bytes)).toEqual({ type: 'tgz', entry: 'cjs/index.cjs' });
  });

  it('resolves nested condition objects and plain string exports', async () => {
    const nested = await tgzOf({
      'package/package.json': pkg({
        exports: { browser: './b.js', node: { import: './n.mjs', default: './n.js' } },
      }),
      'package/n.mjs': '',
      'package/n.js': '',
    });
    expect((await inspectBundle(nested)).entry).toBe('n.mjs');
    const plain = await tgzOf({
      'pkg/package.json': pkg({ exports: './lib/x.js' }),
      'pkg/lib/x.js': '',
    });
    expect(await inspectBundle(plain)).toEqual({ type: 'tgz', entry: 'lib/x.js' });
  });

  it('refuses an archive without package.json', async () => {
    await expect(inspectBundle(await tgzOf({ 'package/index.js': '' }))).rejects.toThrow(
      /no package.json/,
    );
  });

  it('refuses an exports entry that is missing', async () => {
    const bytes = await tgzOf({
      'package/package.json': pkg({ exports: { require: './gone.js' } }),
      'package/index.js': '',
    });
    await expect(inspectBundle(bytes)).rejects.toThrow(/no resolvable entry.*gone\.js/);
  });

  it('refuses corrupt gzip data and truncated archives', async () => {
    const bytes = await tgzOf({
      'package/package.json': pkg({}),
      'package/index.js': 'x'.repeat(5000),
    });
    const garbled = Buffer.from(bytes);
    garbled.fill(0x55, 20, 60);
    await expect(inspectBundle(garbled)).rejects.toThrow(InvalidBundle);
    await expect(inspectBundle(bytes.subarray(0, bytes.length - 20))).rejects.toThrow(
      InvalidBundle,
    );
    await expect(inspectBundle(Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]))).rejects.toThrow(
      /tgz archive is corrupt \(gzip: /,
    );
  });

  it('refuses gzip data that is not a tar', async () => {
    await expect(inspectBundle(gzipSync(Buffer.from('hello world, not a tar')))).rejects.toThrow(
      /tgz archive is corrupt/,
    );
  });

  it('refuses a tar declaring more than 512 MiB', async () => {
    const tar = await tgzOf(
      { 'package/package.json': pkg({}), 'package/index.js': 'x' },
      { gzip: false },
    );
    const bomb = gzipSync(patchTarSize(tar, 'package/index.js', 600 * 1024 * 1024));
    await expect(inspectBundle(bomb)).rejects.toThrow(/more than 512 MiB/);
  });

  it('refuses a symlink pointing outside', async () => {
    const bytes = await tgzOf({
      'package/package.json': pkg({}),
      'package/index.js': '',
      'package/up': { symlink: '../..' },
    });
    await expect(inspectBundle(bytes)).rejects.toThrow(/points outside/);
  });
});
