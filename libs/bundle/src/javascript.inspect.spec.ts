import { describe, expect, it } from 'vitest';
import { bundleSha256, inspectBundle, InvalidBundle } from './index';

const js = (source: string): Buffer => Buffer.from(source, 'utf8');

describe('inspectBundle (JavaScript)', () => {
  it('detects an ES module', async () => {
    const info = await inspectBundle(js('import { x } from "y";\nexport const run = () => x;\n'));
    expect(info).toEqual({ type: 'js', entry: 'bundle.mjs' });
  });

  it('detects a module that only uses module syntax (top-level await)', async () => {
    expect(await inspectBundle(js('await Promise.resolve(1);\n'))).toEqual({
      type: 'js',
      entry: 'bundle.mjs',
    });
  });

  it('detects CommonJS, with hashbang and top-level return', async () => {
    const source =
      '#!/usr/bin/env node\n"use strict";\nif (module.exports.x) return;\nmodule.exports = { run() { return 1; } };\n';
    expect(await inspectBundle(js(source))).toEqual({ type: 'js', entry: 'bundle.cjs' });
  });

  it('detects sloppy-mode CommonJS that does not parse as a module', async () => {
    expect(await inspectBundle(js('with (Math) { exports.v = max(1, 2); }\n'))).toEqual({
      type: 'js',
      entry: 'bundle.cjs',
    });
  });

  it('refuses garbage bytes', async () => {
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x9f, 0xc3, 0x28, 0x00, 0x12]);
    await expect(inspectBundle(garbage)).rejects.toBeInstanceOf(InvalidBundle);
    await expect(inspectBundle(garbage)).rejects.toThrow(
      /not a zip, a gzipped tar or UTF-8 JavaScript/,
    );
  });

  it('refuses JavaScript that does not parse, with the position', async () => {
    const error = await inspectBundle(js('const a = 1;\nfunction f() {\n  return a +;\n}\n')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidBundle);
    expect((error as Error).name).toBe('InvalidBundle');
    expect((error as Error).message).toMatch(
      /^JavaScript does not parse: Unexpected token \(3:\d+\)$/,
    );
  });

  it('refuses an empty or whitespace-only file', async () => {
    await expect(inspectBundle(Buffer.alloc(0))).rejects.toThrow(InvalidBundle);
    await expect(inspectBundle(js(' \n\t\r\n'))).rejects.toThrow(/empty/);
  });
});

describe('bundleSha256', () => {
  it('hashes the bytes as lowercase hex', () => {
    expect(bundleSha256(Buffer.from('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
