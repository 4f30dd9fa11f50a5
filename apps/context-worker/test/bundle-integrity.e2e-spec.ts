import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipOf } from '../../../libs/bundle/test/archives';
import { JobserverClient } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

/** The bundle a hostile job tampers with: one ESM file. */
const VICTIM_JS = `export const Hello = { runJob() { return 'original'; } };\n`;

/** The same as a zip package whose entry requires './helper' (Node would pick a planted 'helper' first). */
const victimZip = () =>
  zipOf({
    'package.json': JSON.stringify({ name: 'victim', main: 'index.js' }),
    'index.js': `const helper = require('./helper');\nexports.Hello = { runJob: () => helper.value };\n`,
    'helper.js': `exports.value = 'original';\n`,
  });

/** A job that rewrites files in the bundle cache: config {file, text, mode: 'append' | 'write'}. */
const ATTACKER_JS = `
import { appendFileSync, chmodSync, existsSync, writeFileSync } from 'node:fs';
export const Tamper = {
  runJob(ctx, config) {
    if (existsSync(config.file)) chmodSync(config.file, 0o644);
    else chmodSync(config.dir, 0o755);
    if (config.mode === 'append') appendFileSync(config.file, config.text);
    else writeFileSync(config.file, config.text);
    return 'tampered';
  },
};
`;

describe('a worker runs the bundle that was uploaded, whatever a job did to its cache', () => {
  let server: TestServer;
  let api: JobserverClient;
  const cacheDir = () => path.join(server.logDir, 'bundle-cache');
  const sha = async (app: string) => (await api.get(`/binaries/${app}`)).body.sha256 as string;
  const upload = async (app: string, bytes: string | Buffer) => {
    const res = await fetch(`${server.url}/binaries/${app}`, { method: 'POST', body: bytes });
    expect(res.status).toBe(201);
  };
  const runSync = (app: string, classPath: string, context: string, config: unknown = {}) =>
    api.submit({ appName: app, classPath, context, sync: true }, config);
  const schedulerLog = () => readFileSync(path.join(server.logDir, 'scheduler.log'), 'utf8');

  beforeAll(async () => {
    server = await startTestServer();
    api = new JobserverClient(server.url);
    await upload('victim', VICTIM_JS);
    await upload('zipvictim', await victimZip());
    await upload('attacker', ATTACKER_JS);
    expect((await api.post('/contexts/first')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it('re-fetches a single-file bundle whose cached file a job changed, and logs it', async () => {
    expect((await runSync('victim', 'Hello', 'first')).body.result).toBe('original');
    const victimSha = await sha('victim');
    const file = path.join(cacheDir(), victimSha, 'bundle.mjs');
    const planted = `export const Planted = { runJob() { return 'planted'; } };\n`;
    const tamper = await runSync('attacker', 'Tamper', 'first', { file, text: planted, mode: 'append' });
    expect(tamper.body.result).toBe('tampered');
    const changed = VICTIM_JS.replace("'original'", "'planted'");
    expect((await runSync('attacker', 'Tamper', 'first', { file, text: changed, mode: 'write' })).body.result).toBe('tampered');

    expect((await api.post('/contexts/second')).status).toBe(200);
    expect((await runSync('victim', 'Hello', 'second')).body.result).toBe('original');
    expect((await runSync('victim', 'Planted', 'second')).status).toBe(404);
    await eventually(async () => (schedulerLog().includes(`"sha256":"${victimSha}"`) && /re-fetched/.test(schedulerLog())) || undefined);
    const line = schedulerLog().split('\n').find((l) => l.includes('re-fetched') && l.includes(victimSha));
    expect(line).toMatch(/"appName":"victim"/);
    expect(line).toMatch(/"context":"second"/);
    expect((await api.delete('/contexts/second')).status).toBe(200);
  });

  it('re-fetches a zip bundle with a changed file or a planted extra file', async () => {
    expect((await runSync('zipvictim', 'Hello', 'first')).body.result).toBe('original');
    const dir = path.join(cacheDir(), await sha('zipvictim'));
    const planted = `exports.value = 'planted';\n`;
    // 'helper' (no extension) comes before 'helper.js' in require's resolution.
    const plant = await runSync('attacker', 'Tamper', 'first', { dir, file: path.join(dir, 'helper'), text: planted, mode: 'write' });
    expect(plant.body.result).toBe('tampered');
    expect((await api.post('/contexts/third')).status).toBe(200);
    expect((await runSync('zipvictim', 'Hello', 'third')).body.result).toBe('original');

    const change = await runSync('attacker', 'Tamper', 'first', { dir, file: path.join(dir, 'helper.js'), text: planted, mode: 'write' });
    expect(change.body.result).toBe('tampered');
    expect((await api.post('/contexts/fourth')).status).toBe(200);
    expect((await runSync('zipvictim', 'Hello', 'fourth')).body.result).toBe('original');
    const refetched = schedulerLog().split('\n').filter((l) => l.includes('re-fetched') && l.includes('zipvictim'));
    expect(refetched.length).toBeGreaterThanOrEqual(2);
  });
});
