import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create } from 'tar';
import { expect } from 'vitest';
import { ZipFile } from 'yazl';

/** One HTTP answer, its body parsed as JSON (a non-JSON body fails the test). */
export interface Reply {
  status: number;
  contentType: string | null;
  location: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * A tiny REST client over fetch. Bodies are sent as curl `-d`/`--data-binary` does
 * (application/x-www-form-urlencoded), bytes untouched.
 */
export function rest(base: string) {
  const call = async (method: string, path: string, body?: string | Buffer): Promise<Reply> => {
    const res = await fetch(`${base}${path}`, {
      method,
      body,
      headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      location: res.headers.get('location'),
      body: parsed,
    };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: string | Buffer = '') => call('POST', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}
export type Rest = ReturnType<typeof rest>;

/** Checks API.md's error shape: the status code, JSON, exactly `{status, result}`, and the result if given. */
export function expectError(reply: Reply, status: number, result?: unknown): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(typeof reply.body.status).toBe('string');
  expect(reply.contentType).toBe('application/json; charset=utf-8');
  expect(Object.keys(reply.body).sort()).toEqual(['result', 'status']);
  if (result !== undefined) expect(reply.body.result).toEqual(result);
}

/** Checks an API.md error object: `{message, errorClass, stack: string[]}`. */
export function expectErrorObject(value: unknown, fields: { message?: unknown; errorClass?: string } = {}): void {
  expect(value).toEqual({
    message: fields.message ?? expect.any(String),
    errorClass: fields.errorClass ?? expect.any(String),
    stack: expect.any(Array),
  });
  for (const frame of (value as { stack: unknown[] }).stack) expect(typeof frame).toBe('string');
}

/** A zip archive of `files` (path → text), built in memory. */
export async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [path, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), path);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A gzipped tar of `files` (path → text), packed from a temporary folder with node-tar. */
export async function tgzOf(files: Record<string, string>): Promise<Buffer> {
  const work = await mkdtemp(join(tmpdir(), 'gateway-tgz-'));
  try {
    const src = join(work, 'src');
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(src, path)), { recursive: true });
      await writeFile(join(src, path), text);
    }
    const out = join(work, 'bundle.tgz');
    const topLevel = [...new Set(Object.keys(files).map((path) => path.split('/')[0]))];
    await create({ gzip: true, cwd: src, file: out, portable: true }, topLevel);
    return await readFile(out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Whether `text` is an ISO-8601 timestamp as `Date#toISOString` writes it. */
export function isIsoTime(text: unknown): boolean {
  return typeof text === 'string' && !Number.isNaN(Date.parse(text)) && new Date(text).toISOString() === text;
}
