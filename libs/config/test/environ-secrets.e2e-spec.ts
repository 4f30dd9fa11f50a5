import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSecretEnvName } from '../src/environ-secrets';

/** The built module: the child runs plain node (e2e tests run the built code). */
const MODULE = path.join(__dirname, '../dist/environ-secrets.js');

describe('hideSecretsFromEnviron', () => {
  it.skipIf(process.platform !== 'linux')(
    "hides the secrets' values from /proc/<pid>/environ while the process and its children keep them",
    async () => {
      const secret = 'postgres://user:s3cret-pw@db:5432/jobs';
      // A child that hides its secrets, prints what it and a child of its own still see, then waits to be read.
      const script = `
        const { hideSecretsFromEnviron } = require(${JSON.stringify(MODULE)});
        const hidden = hideSecretsFromEnviron();
        const grandchild = require('node:child_process').execFileSync(process.execPath, ['-p', 'process.env.DATABASE_URL'], { encoding: 'utf8' }).trim();
        console.log(JSON.stringify({ hidden, own: process.env.DATABASE_URL, grandchild }));
        setTimeout(() => {}, 30000);`;
      const child = spawn(process.execPath, ['-e', script], {
        env: { PATH: process.env.PATH, DATABASE_URL: secret, JOBSERVER_PREFIX: 'p9', LANG: 'C' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const line = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('\n')) resolve(out.trim());
          });
          child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
        });
        expect(JSON.parse(line)).toEqual({ hidden: ['DATABASE_URL', 'JOBSERVER_PREFIX'], own: secret, grandchild: secret });
        const environ = readFileSync(`/proc/${child.pid}/environ`, 'latin1').split('\0');
        expect(environ.join('\n')).not.toContain('s3cret');
        expect(environ).toContain(`DATABASE_URL=${'*'.repeat(secret.length)}`);
        expect(environ).toContain('JOBSERVER_PREFIX=**');
        expect(environ).toContain('LANG=C');
      } finally {
        child.kill('SIGKILL');
      }
    },
    20_000,
  );

  it('names the server secrets as job-env does', () => {
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'PGPASSWORD', 'JOBSERVER_AUTH']) expect(isSecretEnvName(name)).toBe(true);
    for (const name of ['PATH', 'HOME', 'DATABASE', 'MY_JOBSERVER_X']) expect(isSecretEnvName(name)).toBe(false);
  });
});
