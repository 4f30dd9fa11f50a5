import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { extractBundle, inspectBundle, InvalidBundle } from './index';
import { patchBytes, tempDir as makeTempDir, tgzOf, zipOf } from '../test/archives';

const created: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await makeTempDir(prefix);
  created.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function load(path: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

async function extract(bytes: Buffer, dir: string): Promise<string> {
  return extractBundle(bytes, await inspectBundle(bytes), dir);
}

describe('extractBundle', () => {
  it('writes an ES module bundle as bundle.mjs and it imports', async () => {
    const dir = join(await tempDir('bundle-x-'), 'esm');
    const bytes = Buffer.from(
      'export const answer = 42;\nexport default function run() { return "esm"; }\n',
    );
    const entry = await extract(bytes, dir);
    expect(entry).toBe(join(dir, 'bundle.mjs'));
    const mod = await load(entry);
    expect(mod.answer).toBe(42);
    expect((mod.default as () => string)()).toBe('esm');
  });

  it('writes a CommonJS bundle as bundle.cjs and it imports', async () => {
    const dir = join(await tempDir('bundle-x-'), 'cjs');
    const entry = await extract(Buffer.from('module.exports = { run: () => "cjs" };\n'), dir);
    expect(entry).toBe(join(dir, 'bundle.cjs'));
    const mod = await load(entry);
    expect((mod.default as { run: () => string }).run()).toBe('cjs');
  });

  it('extracts a zip with a root package.json and imports its main', async () => {
    const dir = join(await tempDir('bundle-x-'), 'zip');
    const bytes = await zipOf({
      'package.json': JSON.stringify({ name: 'z', main: 'lib/main.js' }),
      'lib/main.js':
        'const { greet } = require("./greet.js"); module.exports = { hello: greet("zip") };',
      'lib/greet.js': 'exports.greet = (who) => `hello ${who}`;',
      'bin/tool': { symlink: '../lib/main.js' },
    });
    const entry = await extract(bytes, dir);
    expect(entry).toBe(join(dir, 'lib', 'main.js'));
    expect((await lstat(join(dir, 'bin', 'tool'))).isSymbolicLink()).toBe(true);
    const mod = await load(entry);
    expect((mod.default as { hello: string }).hello).toBe('hello zip');
  });

  it('extracts a tgz, strips package/ and imports the exports entry', async () => {
    const dir = join(await tempDir('bundle-x-'), 'tgz');
    const bytes = await tgzOf({
      'package/package.json': JSON.stringify({
        name: 't',
        exports: { import: './esm/index.mjs', default: './index.cjs' },
      }),
      'package/esm/index.mjs': 'import { v } from "./v.mjs"; export const value = v * 2;',
      'package/esm/v.mjs': 'export const v = 21;',
      'package/index.cjs': 'module.exports = 1;',
    });
    const entry = await extract(bytes, dir);
    expect(entry).toBe(join(dir, 'esm', 'index.mjs'));
    expect((await readdir(dir)).sort()).toEqual(['esm', 'index.cjs', 'package.json']);
    expect((await load(entry)).value).toBe(42);
  });

  it('is safe for concurrent extractors of the same bundle and reuses an existing dir', async () => {
    const parent = await tempDir('bundle-x-');
    const dir = join(parent, 'same');
    const bytes = await tgzOf({
      'package/package.json': '{"main":"a.js"}',
      'package/a.js': 'exports.a = 1;',
    });
    const info = await inspectBundle(bytes);
    const paths = await Promise.all(
      Array.from({ length: 6 }, () => extractBundle(bytes, info, dir)),
    );
    expect(new Set(paths)).toEqual(new Set([join(dir, 'a.js')]));
    expect(await readdir(parent)).toEqual(['same']);
    expect(await extractBundle(bytes, info, dir)).toBe(join(dir, 'a.js'));
    expect(await readFile(join(dir, 'a.js'), 'utf8')).toBe('exports.a = 1;');
  });

  it('refuses a zip-slip entry and writes nothing outside dir', async () => {
    const parent = await tempDir('bundle-x-');
    const bytes = await zipOf({ 'package.json': '{}', 'index.js': '', 'xx/evil.js': 'pwned' });
    const slip = patchBytes(bytes, 'xx/evil.js', '../evil.js');
    await expect(
      extractBundle(slip, { type: 'zip', entry: 'index.js' }, join(parent, 'out')),
    ).rejects.toThrow(InvalidBundle);
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses symlinks pointing outside and entries written through symlinks', async () => {
    const parent = await tempDir('bundle-x-');
    const outside = await tgzOf({
      'package/package.json': '{}',
      'package/index.js': '',
      'package/up': { symlink: '../..' },
    });
    await expect(
      extractBundle(outside, { type: 'tgz', entry: 'index.js' }, join(parent, 'a')),
    ).rejects.toThrow(/points outside/);
    const through = await zipOf({
      'package.json': '{}',
      'index.js': '',
      d: { symlink: '.' },
      'd/x.js': 'x',
    });
    await expect(
      extractBundle(through, { type: 'zip', entry: 'index.js' }, join(parent, 'b')),
    ).rejects.toThrow(/goes through a symlink/);
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses an entry that the archive does not contain', async () => {
    const parent = await tempDir('bundle-x-');
    const bytes = await zipOf({ 'package.json': '{}', 'index.js': '' });
    await expect(
      extractBundle(bytes, { type: 'zip', entry: 'missing.js' }, join(parent, 'c')),
    ).rejects.toThrow(/not in the archive/);
    await expect(
      extractBundle(bytes, { type: 'zip', entry: '../x.js' }, join(parent, 'c')),
    ).rejects.toThrow(InvalidBundle);
    expect(await readdir(parent)).toEqual([]);
  });
});
