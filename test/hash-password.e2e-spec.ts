import { execFileSync } from 'node:child_process';
import { scryptSync } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServerConfig, PASSWORD_HASH } from '@jobserver/config';

const SCRIPT = path.resolve(__dirname, '../scripts/hash-password.js');

describe('scripts/hash-password.js', () => {
  it('prints a scrypt hash of the password given as argument or on stdin, one the config accepts', async () => {
    for (const hash of [
      execFileSync('node', [SCRIPT, 'correct horse'], { encoding: 'utf8' }).trim(),
      execFileSync('node', [SCRIPT], { input: 'correct horse\n', encoding: 'utf8' }).trim(),
    ]) {
      const [, salt, key] = PASSWORD_HASH.exec(hash)!;
      expect(scryptSync('correct horse', Buffer.from(salt, 'hex'), 64).toString('hex')).toBe(key);
      const users = { u: { 'password-hash': hash, permissions: ['*'] } };
      await expect(loadServerConfig({ JOBSERVER_AUTH: JSON.stringify({ enabled: true, users }) })).resolves.toBeDefined();
    }
  });

  it('refuses an empty password', () => {
    expect(() => execFileSync('node', [SCRIPT], { input: '\n', stdio: 'pipe' })).toThrow(/empty/);
  });
});
