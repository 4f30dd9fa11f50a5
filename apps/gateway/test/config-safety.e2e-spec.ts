import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, eventually, startTestServer, type TestServer } from '../../../test/support/server';
import { expectError, rest, type Rest } from './rest';

const WORD_COUNT = 'spark.jobserver.WordCountExample';
const DEPTH_LIMIT = 'Cannot parse config: it nests deeper than config-max-depth (64)';

/** An object whose depth (1 + the depth of its deepest child; a scalar is 0) is `depth`. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) value = { d: value };
  return value;
}

/** A job config of depth exactly 64 that WordCountExample accepts. */
const deepJobConfig = () => ({ input: { string: 'a b a' }, deep: nested(63) });

const jsonBomb = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const hoconBomb = (depth: number) => `${'a{'.repeat(depth)}x=1${'}'.repeat(depth)}`;

describe('config bodies are data, bounded in size and depth', () => {
  let server: TestServer;
  let api: Rest;
  const job = (query: string) => `/jobs?appName=test&classPath=${WORD_COUNT}${query}`;
  const where = ['', '&sync=true', '&context=safectx', '&context=safectx&sync=true'];
  const unknownApp = `/jobs?appName=nosuch&classPath=${WORD_COUNT}`;

  beforeAll(async () => {
    // A bomb must be refused quickly, not allowed to eat the shared machine's memory.
    server = await startTestServer({ NODE_OPTIONS: '--max-old-space-size=768' });
    api = rest(server.url);
    expect((await api.post('/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
    expect((await api.post('/contexts/safectx')).status).toBe(200);
  }, 60_000);
  afterAll(async () => server?.stop());

  const evalBody = (marker: string) =>
    `y = "a" | eval { expr = "process.mainModule.require(\\"fs\\").writeFileSync(\\"${marker}\\", \\"x\\")" }`;

  it('never evaluates a `| eval` transform in a job body', async () => {
    const marker = `/tmp/config-safety-${randomUUID()}`;
    try {
      for (const url of [...where.map(job), unknownApp]) {
        const res = await api.post(url, evalBody(marker));
        expectError(res, 400);
        expect(res.body.result).toMatch(/^Cannot parse config/);
      }
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(marker, { force: true });
    }
  });

  it('never evaluates a `| eval` transform in a context body or its context-settings', async () => {
    const marker = `/tmp/config-safety-${randomUUID()}`;
    try {
      expectError(await api.post('/contexts/evalctx', evalBody(marker)), 400);
      const inSettings = `context-settings { ${evalBody(marker)} }`;
      expectError(await api.post('/contexts/evalctx', inSettings), 400);
      expectError(await api.post(job(''), `input.string = a\n${inSettings}`), 400);
      expect(existsSync(marker)).toBe(false);
      expect((await api.get('/contexts/evalctx')).status).toBe(404);
    } finally {
      rmSync(marker, { force: true });
    }
  });

  it('refuses substitutions and includes with 400', async () => {
    for (const body of ['home = ${HOME}', 'a = ${?PATH}', 'include "/etc/passwd"', 'include file("/etc/hostname")']) {
      const res = await api.post(job('&sync=true'), body);
      expectError(res, 400);
      expect(res.body.result).toMatch(/^Cannot parse config/);
    }
  });

  it('answers 400 naming config-max-depth to JSON nested 10 000 deep, on every route', async () => {
    const bomb = jsonBomb(10_000);
    for (const url of [...where.map(job), unknownApp]) expectError(await api.post(url, bomb), 400, DEPTH_LIMIT);
    expectError(await api.post(job(''), `{"input":{"string":"a"},"context-settings":${bomb}}`), 400, DEPTH_LIMIT);
    expectError(await api.post('/contexts/bombctx', bomb), 400, DEPTH_LIMIT);
    expectError(await api.post('/contexts/bombctx', `{"context-settings":${bomb}}`), 400, DEPTH_LIMIT);
    expect((await api.get('/healthz')).status).toBe(200);
  });

  it('answers 400 naming config-max-depth to HOCON nested 10 000 deep, with /healthz answering right after', async () => {
    const bomb = hoconBomb(10_000);
    for (const q of ['', '&sync=true', '&context=safectx']) expectError(await api.post(job(q), bomb), 400, DEPTH_LIMIT);
    expectError(await api.post('/contexts/bombctx', `context-settings { ${bomb} }`), 400, DEPTH_LIMIT);
    const dotted = `${Array.from({ length: 10_000 }, () => 'a').join('.')} = 1`;
    expectError(await api.post(job(''), dotted), 400, DEPTH_LIMIT);
    expect((await api.get('/healthz')).status).toBe(200);
  }, 60_000);

  it('answers 400 naming config-max-size to a body over 1 MiB', async () => {
    const big = `input.string = a\n${'a=1\n'.repeat(300_000)}`;
    const res = await api.post(job('&sync=true'), big);
    expectError(res, 400, 'Cannot parse config: it is larger than config-max-size (1 MiB)');
    expectError(await api.post('/contexts/bigctx', big), 400, 'Cannot parse config: it is larger than config-max-size (1 MiB)');
  });

  it('runs a job whose config is 64 deep, sync and async, ad hoc and in a named context, and reads it back', async () => {
    const config = { ...deepJobConfig(), 'context-settings': { extra: nested(62) } };
    for (const q of where) {
      const res = await api.post(job(q), JSON.stringify(config));
      expect(res.status, `${q}: ${JSON.stringify(res.body)}`).toBe(q.includes('sync') ? 200 : 202);
      const jobId = res.body.jobId as string;
      const done = await eventually(async () => {
        const report = await api.get(`/jobs/${jobId}`);
        return ['OK', 'FINISHED', 'ERROR', 'KILLED'].includes(report.body.status) ? report.body : undefined;
      }, 30_000);
      expect(done.status, JSON.stringify(done)).toBe('OK');
      expect(done.result).toEqual({ a: 2, b: 1 });
      expect((await api.get(`/jobs/${jobId}/config`)).body).toEqual(config);
    }
  }, 120_000);

  it('runs a job whose HOCON config is 64 deep and reads it back as JSON', async () => {
    const hocon = `input.string = a b a\n${'d {'.repeat(63)} leaf = 1 ${'}'.repeat(63)}`;
    const res = await api.post(job('&sync=true'), hocon);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const expected = { input: { string: 'a b a' }, d: nested(63) };
    expect((await api.get(`/jobs/${res.body.jobId}/config`)).body).toEqual(expected);
  });

  it('creates a context whose context-settings are 64 deep', async () => {
    const body = { 'context-settings': { nested: nested(62) } };
    const res = await api.post('/contexts/deepctx', JSON.stringify(body));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const context = await api.get('/contexts/deepctx');
    expect(context.body.settings.nested).toEqual(nested(62));
    const run = await api.post(job('&context=deepctx&sync=true'), 'input.string = x y x');
    expect(run.body).toMatchObject({ status: 'OK', result: { x: 2, y: 1 } });
    expect((await api.delete('/contexts/deepctx')).status).toBe(200);
  }, 60_000);

  it('ignores a UTF-8 BOM before the first key, in JSON and HOCON', async () => {
    for (const body of ['\uFEFFinput.string = a b a', '\uFEFF{"input":{"string":"a b a"}}']) {
      const res = await api.post(job('&context=safectx&sync=true'), body);
      expect(res.body, body).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });
      expect((await api.get(`/jobs/${res.body.jobId}/config`)).body).toEqual({ input: { string: 'a b a' } });
    }
    expect((await api.post('/contexts/bomctx', '\uFEFFcontext-settings { color = blue }')).status).toBe(200);
    expect((await api.get('/contexts/bomctx')).body.settings.color).toBe('blue');
    expect((await api.delete('/contexts/bomctx')).status).toBe(200);
  }, 60_000);

  it('keeps a JSON body as posted (no re-serialization of a large config) and runs the job on it', async () => {
    const posted = '{\n  "input": {"string": "a b \\u0061"},\n  "n": 1.50, "n": 2\n}';
    const res = await api.post(job('&context=safectx&sync=true'), `\uFEFF ${posted}\n`);
    expect(res.body).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });
    const rows = await server.query(`SELECT config FROM jobs WHERE id = '${res.body.jobId}'`);
    expect(rows[0].config).toBe(posted);
    expect((await api.get(`/jobs/${res.body.jobId}/config`)).body).toEqual({ input: { string: 'a b a' }, n: 2 });
  }, 60_000);

  it('answers 400 to a context body that does not parse or is not an object', async () => {
    for (const body of ['[1, 2]', '42', '"text"', 'a = {']) {
      const res = await api.post('/contexts/shapectx', body);
      expectError(res, 400);
      expect(res.body.result, body).toMatch(/^Cannot parse config/);
    }
    expect((await api.get('/contexts/shapectx')).status).toBe(404);
  });

  it('answers 400 context-settings must be an object, in a context body and a job body', async () => {
    for (const body of ['context-settings = 5', '{"context-settings":[1]}', 'context-settings = "x"']) {
      expectError(await api.post('/contexts/shapectx', body), 400, 'context-settings must be an object');
      for (const q of ['', '&sync=true']) {
        expectError(await api.post(job(q), `${body}\n`), 400, 'context-settings must be an object');
      }
    }
    expect((await api.get('/contexts/shapectx')).status).toBe(404);
  });
});
