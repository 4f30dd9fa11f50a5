import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { PASSWORD_HASH } from '@jobserver/config';

const KEY_LENGTH = 64;

/** `scrypt:<salt hex>:<key hex>` of `password` (node's scrypt defaults N=16384, r=8, p=1). */
export function hashPassword(password: string, salt: Buffer = randomBytes(16)): string {
  return `scrypt:${salt.toString('hex')}:${scryptSync(password, salt, KEY_LENGTH).toString('hex')}`;
}

/** A hash no password matches, checked for unknown users so that timing does not tell them apart. */
export const DUMMY_HASH = `scrypt:${'00'.repeat(16)}:${'00'.repeat(KEY_LENGTH)}`;

/**
 * Whether `password` matches `hash`, in constant time; the async scrypt keeps the event loop free.
 * A hash that is not in the format never matches (config validation refuses those at start).
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const parts = PASSWORD_HASH.exec(hash) ?? PASSWORD_HASH.exec(DUMMY_HASH)!;
  const expected = Buffer.from(parts[2], 'hex');
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, Buffer.from(parts[1], 'hex'), KEY_LENGTH, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
  return timingSafeEqual(actual, expected) && parts[0] === hash;
}
