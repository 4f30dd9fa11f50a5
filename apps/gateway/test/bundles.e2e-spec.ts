import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, eventually, startTestServer, type TestServer } from '../../../test/support/server';
import { expectError, isIsoTime, rest, tgzOf, zipOf, type Rest } from './rest';

const NOT_A_BUNDLE = 'Binary is not of the right format';
const ESM = 'export const Hello = { runJob: (_ctx, config) => ({ from: "esm", who: config.who ?? null }) };\n';
const CJS = 'exports.Hello = { runJob() { return "cjs"; } };\n';
/** A CommonJS bundle whose job waits `waitMs` then returns `version`. */
const versioned = (version: number) =>
  `exports.Version = { async runJob(_ctx, c) { await new Promise((r) => setTimeout(r, c.waitMs ?? 0)); return ${version}; } };\n`;

describe('bundles over HTTP', () => {
  let server: TestServer;
  let api: Rest;

  /** Runs a job synchronously and returns its answer body. */
  const runSync = async (app: string, classPath: string, config = '', context?: string) => {
    const where = context ? `&context=${context}` : '';
    const res = await api.post(`/jobs?appName=${app}&classPath=${classPath}&sync=true${where}`, config);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    server = await startTestServer();
    api = rest(server.url);
  });
  afterAll(async () => server?.stop());

  it('stores an ES module posted to /binaries as a js bundle and runs its export', async () => {
    const res = await api.post('/binaries/esm-app', ESM);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ status: 'SUCCESS' });
    expect((await api.get('/binaries/esm-app')).body['binary-type']).toBe('js');
    expect(await runSync('esm-app', 'demo.Hello', 'who = me')).toMatchObject({
      status: 'OK',
      result: { from: 'esm', who: 'me' },
    });
  });

  it('stores a CommonJS module posted to /jars and runs its export', async () => {
    const res = await api.post('/jars/cjs-app', CJS);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ status: 'SUCCESS' });
    expect((await api.get('/binaries/cjs-app')).body['binary-type']).toBe('js');
    expect(await runSync('cjs-app', 'Hello')).toMatchObject({ status: 'OK', result: 'cjs' });
  });

  it('stores a zip package and runs an async job from its package.json exports entry', async () => {
    const zip = await zipOf({
      'pkg/package.json': JSON.stringify({ name: 'zipped', type: 'module', exports: './lib/index.js' }),
      'pkg/lib/index.js': 'import { shout } from "./shout.js";\nexport const Zipped = { runJob: (_c, cfg) => shout(cfg.word) };\n',
      'pkg/lib/shout.js': 'export const shout = (word) => `${word}!`.toUpperCase();\n',
    });
    expect((await api.post('/binaries/zip-app', zip)).status).toBe(201);
    expect((await api.get('/binaries/zip-app')).body['binary-type']).toBe('zip');

    const started = await api.post('/jobs?appName=zip-app&classPath=Zipped', 'word = hey');
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const done = await eventually(async () => {
      const job = await api.get(`/jobs/${started.body.jobId}`);
      return job.body.status === 'OK' || job.body.status === 'ERROR' ? job.body : undefined;
    });
    expect(done).toMatchObject({ status: 'OK', result: 'HEY!' });
  });

  it('stores a gzipped tar package and runs a job from its package.json main', async () => {
    const tgz = await tgzOf({
      'package.json': JSON.stringify({ name: 'tarred', main: 'src/main.js' }),
      'src/main.js': 'const { twice } = require("./twice");\nexports.Tarred = { runJob: (_c, cfg) => twice(cfg.n) };\n',
      'src/twice.js': 'exports.twice = (n) => n * 2;\n',
    });
    expect((await api.post('/jars/tgz-app', tgz)).status).toBe(201);
    expect((await api.get('/binaries/tgz-app')).body['binary-type']).toBe('tgz');
    expect(await runSync('tgz-app', 'Tarred', 'n = 21')).toMatchObject({ status: 'OK', result: 42 });
  });

  it('answers 400 Binary is not of the right format for bytes that are not a usable bundle', async () => {
    const noEntry = await zipOf({ 'package.json': JSON.stringify({ name: 'x', main: 'missing.js' }) });
    const bodies: Record<string, Buffer> = {
      garbage: Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x81, 0x00, 0xc3, 0x28]),
      'unparseable JavaScript': Buffer.from('export const = ) nope {'),
      empty: Buffer.alloc(0),
      'corrupt zip': Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from('not really a zip archive')]),
      'corrupt tgz': Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not really gzip')]),
      'package without entry': noEntry,
    };
    for (const [what, bytes] of Object.entries(bodies)) {
      const res = await api.post('/binaries/broken', bytes);
      expect({ what, status: res.status }).toEqual({ what, status: 400 });
      expectError(res, 400, NOT_A_BUNDLE);
    }
    expectError(await api.get('/binaries/broken'), 404, "Can't find binary with name broken");
  });

  it('answers 400 for app names that start with _, hold / or a space, or exceed 100 characters', async () => {
    for (const [route, name] of [['binaries', '_private'], ['binaries', 'a%2Fb'], ['binaries', 'a/b'], ['jars', 'a/b/c'], ['binaries', 'a%20b'], ['jars', 'x'.repeat(101)]]) {
      const res = await api.post(`/${route}/${name}`, CJS);
      expectError(res, 400);
      expect(res.body.result).toMatch(/app name/);
    }
    expect(Object.keys((await api.get('/binaries')).body)).not.toContain('_private');
    expect((await api.post(`/binaries/${'x'.repeat(100)}`, CJS)).status).toBe(201);
  });

  it('lists the latest version of every app on GET /binaries and their upload times on GET /jars', async () => {
    const binaries = (await api.get('/binaries')).body;
    expect(Object.keys(binaries)).toEqual(expect.arrayContaining(['esm-app', 'cjs-app', 'zip-app', 'tgz-app']));
    for (const entry of Object.values(binaries)) {
      expect(Object.keys(entry as object).sort()).toEqual(['binary-type', 'upload-time']);
      expect(['js', 'zip', 'tgz']).toContain((entry as Record<string, string>)['binary-type']);
      expect(isIsoTime((entry as Record<string, string>)['upload-time'])).toBe(true);
    }
    const jars = await api.get('/jars');
    expect(jars.contentType).toBe('application/json; charset=utf-8');
    expect(Object.keys(jars.body).sort()).toEqual(Object.keys(binaries).sort());
    for (const [app, time] of Object.entries(jars.body)) expect(time).toBe(binaries[app]['upload-time']);
  });

  it('describes one app on GET /binaries/<app> and answers 404 for an unknown one', async () => {
    const res = await api.get('/binaries/cjs-app');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      'app-name': 'cjs-app',
      'binary-type': 'js',
      'upload-time': expect.any(String),
      sha256: createHash('sha256').update(CJS).digest('hex'),
      size: Buffer.byteLength(CJS),
      owner: null,
    });
    expect(isIsoTime(res.body['upload-time'])).toBe(true);
    expectError(await api.get('/binaries/no-such-app'), 404, "Can't find binary with name no-such-app");
  });

  it('makes a new version on re-upload: later jobs use it, an already submitted job keeps its own', async () => {
    expect((await api.post('/binaries/versioned', versioned(1))).status).toBe(201);
    const firstUpload = (await api.get('/binaries/versioned')).body;
    expect((await api.post('/contexts/one-slot?max-jobs-per-context=1')).status).toBe(200);
    // The slot is busy, so the second job is still waiting when version 2 arrives.
    const busy = await api.post('/jobs?appName=versioned&classPath=Version&context=one-slot', 'waitMs = 4000');
    const waiting = await api.post('/jobs?appName=versioned&classPath=Version&context=one-slot', 'waitMs = 0');
    expect([busy.status, waiting.status]).toEqual([202, 202]);

    expect((await api.post('/binaries/versioned', versioned(2))).status).toBe(201);
    const secondUpload = (await api.get('/binaries/versioned')).body;
    expect(secondUpload.sha256).not.toBe(firstUpload.sha256);
    expect(Object.keys((await api.get('/binaries')).body).filter((app) => app === 'versioned')).toHaveLength(1);

    expect(await runSync('versioned', 'Version')).toMatchObject({ status: 'OK', result: 2 });
    const kept = await eventually(async () => {
      const job = await api.get(`/jobs/${waiting.body.jobId}`);
      return job.body.status === 'OK' || job.body.status === 'ERROR' ? job.body : undefined;
    });
    expect(kept).toMatchObject({ status: 'OK', result: 1 });
    expect((await api.delete('/contexts/one-slot')).status).toBe(200);
  });

  it('lists every version of an app on GET /binaries/<app>/versions, newest first; 404 for an unknown or invalid name', async () => {
    const latest = (await api.get('/binaries/versioned')).body;
    const res = await api.get('/binaries/versioned/versions');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    expect(res.body[0]).toEqual(latest);
    const [newer, older] = res.body;
    expect(Object.keys(older).sort()).toEqual(['app-name', 'binary-type', 'owner', 'sha256', 'size', 'upload-time']);
    expect(older).toMatchObject({ 'app-name': 'versioned', 'binary-type': 'js', owner: null, size: versioned(1).length });
    expect(older.sha256).toBe(createHash('sha256').update(versioned(1)).digest('hex'));
    expect(isIsoTime(older['upload-time'])).toBe(true);
    expect(Date.parse(older['upload-time'])).toBeLessThanOrEqual(Date.parse(newer['upload-time']));
    expectError(await api.get('/binaries/nosuchapp/versions'), 404, "Can't find binary with name nosuchapp");
    expectError(await api.get('/binaries/_bad%20name/versions'), 404, "Can't find binary with name _bad name");
  });

  it('deletes every version of an app: 200, then 404 on GET and DELETE', async () => {
    const res = await api.delete('/binaries/versioned');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'SUCCESS' });
    expectError(await api.get('/binaries/versioned'), 404, "Can't find binary with name versioned");
    expect(Object.keys((await api.get('/binaries')).body)).not.toContain('versioned');
    expectError(await api.delete('/binaries/versioned'), 404, "Can't find binary with name versioned");
    expectError(
      await api.post('/jobs?appName=versioned&classPath=Version&sync=true'),
      404,
      'appName versioned not found',
    );
  });

  it('refuses with 403 to delete an app while a job of it runs, naming the job', async () => {
    expect((await api.post('/binaries/examples', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
    expect((await api.post('/contexts/long-ctx')).status).toBe(200);
    const started = await api.post('/jobs?appName=examples&classPath=LongRunningExample&context=long-ctx', 'durationMs = 60000');
    expect(started.body.status).toBe('STARTED');
    const { jobId } = started.body;

    expectError(await api.delete('/binaries/examples'), 403, `Binary is in use by job(s): ${jobId}`);
    expect((await api.get('/binaries/examples')).status).toBe(200);

    expect((await api.delete(`/jobs/${jobId}`)).body).toEqual({ status: 'KILLED' });
    await eventually(async () => ((await api.get(`/jobs/${jobId}`)).body.status === 'KILLED' ? true : undefined));
    expect((await api.delete('/binaries/examples')).status).toBe(200);
    expect((await api.delete('/contexts/long-ctx')).status).toBe(200);
  });

  describe('with a 1k upload limit', () => {
    let small: TestServer;
    beforeAll(async () => {
      small = await startTestServer({ JOBSERVER_UPLOAD_LIMIT: '1k' });
    });
    afterAll(async () => small?.stop());

    it('answers 413 with a JSON error body for a bundle over the limit, and accepts one under it', async () => {
      const big = `${CJS}// ${'x'.repeat(2048)}\n`;
      expectError(await rest(small.url).post('/binaries/big', big), 413);
      expectError(await rest(small.url).get('/binaries/big'), 404);
      expect((await rest(small.url).post('/binaries/small', CJS)).status).toBe(201);
    });
  });
});
