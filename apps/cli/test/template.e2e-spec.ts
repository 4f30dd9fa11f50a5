import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server';
import { cli, cliEnv } from './cli-harness';

/** Runs npm in `cwd` with a clean environment (none of the npm variables of the test's own run). */
function npm(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

describe('jobserver init: the job-project template', () => {
  let tmp: string;
  let server: TestServer | undefined;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'jobserver-template-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('writes a project that installs from the workspace, passes its unit test, builds one bundle, deploys and runs', { timeout: 600_000 }, async () => {
    const dir = path.join(tmp, 'wordcount');
    const init = await cli(['init', dir]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('✔ job project wordcount in');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies['@jobserver/api']).toBe(`file:${path.resolve(__dirname, '../../../libs/api')}`);

    const install = await npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    expect(install.code, install.output).toBe(0);
    const test = await npm(['test'], dir);
    expect(test.code, test.output).toBe(0);
    expect(test.output).toMatch(/# pass 2\n# fail 0\n/);
    const build = await npm(['run', 'build'], dir);
    expect(build.code, build.output).toBe(0);
    expect(existsSync(path.join(dir, 'dist/wordcount.mjs'))).toBe(true);

    server = await startTestServer();
    const env = { JOBSERVER_URL: server.url };
    const deploy = await npm(['run', 'deploy'], dir, env);
    expect(deploy.code, deploy.output).toBe(0);
    expect(deploy.output).toContain(`deployed wordcount to ${server.url}`);
    const run = await cli(['run', 'wordcount', 'WordCount', '-c', 'input.string=a b a', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'OK', result: { a: 2, b: 1 }, stages: [{ name: 'count' }] });

    // The CLI bundles the project folder itself too (its src/index.ts).
    const upload = await cli(['upload', 'wordcount-src', dir], { env });
    expect(upload.stdout).toContain(`uploaded wordcount-src (bundled from ${path.join(dir, 'src/index.ts')}`);
    const again = await cli(['run', 'wordcount-src', 'WordCount', '-c', 'input.string=x', '--json'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ result: { x: 1 } });

    // A failing deploy says why: here, no server.
    const down = await npm(['run', 'deploy'], dir, { JOBSERVER_URL: 'http://127.0.0.1:1' });
    expect(down.code).not.toBe(0);
    expect(down.output).toContain('cannot reach the jobserver at http://127.0.0.1:1');
  });

  it('refuses a folder that holds something, or a name that cannot name an app and a package', async () => {
    const full = path.join(tmp, 'full');
    mkdirSync(full);
    writeFileSync(path.join(full, 'mine.txt'), 'keep');
    expect(await cli(['init', full])).toMatchObject({ code: 2, stderr: `jobserver: ${full} exists and is not empty\n` });
    expect(readFileSync(path.join(full, 'mine.txt'), 'utf8')).toBe('keep');
    const bad = await cli(['init', path.join(tmp, 'x'), '--name', 'Bad Name']);
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'jobserver: Bad Name cannot name the app and its package: use lowercase letters, digits and ._- (--name <app>)\n',
    });
    expect(existsSync(path.join(tmp, 'x'))).toBe(false);
  });
});
