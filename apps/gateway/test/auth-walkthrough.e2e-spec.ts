import { execFile } from 'node:child_process';
import { randomBytes, scryptSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, startTestServer, type TestServer } from '../../../test/support/server';

/** The seed walk-through script shipped beside the repository (../shared), as CI lays it out. */
const WALKTHROUGH = path.resolve(__dirname, '../../../../shared/seed-walkthrough.sh');
const USER = 'walker';
const PASSWORD = 's3cret pw';

function passwordHash(password: string): string {
  const salt = randomBytes(16);
  return `scrypt:${salt.toString('hex')}:${scryptSync(password, salt, 64).toString('hex')}`;
}

/** Runs the walk-through with curl reading `curlrc` (or none); resolves with its exit code and output. */
function walkThrough(url: string, curlrc: string | undefined): Promise<{ code: number; output: string }> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'walker-home-'));
  if (curlrc !== undefined) writeFileSync(path.join(home, '.curlrc'), curlrc);
  return new Promise((resolve) => {
    execFile('bash', [WALKTHROUGH, EXAMPLE_BUNDLE, url], { env: { ...process.env, HOME: home }, timeout: 60_000 }, (error, stdout, stderr) => {
      rmSync(home, { recursive: true, force: true });
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

// The unchanged seed walk-through, with credentials given to curl the way a user would (~/.curlrc).
describe.skipIf(!existsSync(WALKTHROUGH))('the seed walk-through with auth on', () => {
  let server: TestServer;

  beforeAll(async () => {
    const users = { [USER]: { 'password-hash': passwordHash(PASSWORD), permissions: ['*'] } };
    server = await startTestServer({ JOBSERVER_AUTH: JSON.stringify({ enabled: true, users }) });
  });
  afterAll(async () => server?.stop());

  it('passes every step with Basic credentials', async () => {
    const run = await walkThrough(server.url, `user = "${USER}:${PASSWORD}"\n`);
    expect(run.output).toContain('all steps passed');
    expect(run.code, run.output).toBe(0);
  });

  it('fails every step with 401 without credentials', async () => {
    const run = await walkThrough(server.url, undefined);
    expect(run.code).not.toBe(0);
    expect(run.output).not.toMatch(/^.*\bok$/m);
    expect(run.output).toMatch(/HTTP 401|authentication required/);
  });
});
