import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PASSWORD_HASH } from '@jobserver/config';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password-hash';

describe('password hashes', () => {
  it('writes scrypt:<salt hex>:<key hex> with the key of crypto.scryptSync(password, salt, 64)', () => {
    const salt = Buffer.alloc(16, 7);
    const hash = hashPassword('pw', salt);
    expect(hash).toMatch(PASSWORD_HASH);
    expect(hash).toBe(
      `scrypt:${salt.toString('hex')}:${scryptSync('pw', salt, 64).toString('hex')}`,
    );
    expect(hashPassword('pw')).not.toBe(hashPassword('pw'));
  });

  it('verifies the right password only', async () => {
    const hash = hashPassword('correct horse');
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse ')).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
  });

  it('never matches the dummy hash or a malformed one', async () => {
    expect(await verifyPassword(DUMMY_HASH, '')).toBe(false);
    expect(await verifyPassword('plain', 'plain')).toBe(false);
  });
});
