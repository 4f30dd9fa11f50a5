import { createHash } from 'node:crypto';
import { BadRequest } from '@jobserver/protocol';

/** The `Idempotency-Key` header, checked: 1 to 200 visible ASCII characters, given once. @throws BadRequest */
export function idempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  // A header given twice arrives joined with ", ": the space makes it invalid, as it should be.
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,200}$/u.test(value)) {
    throw new BadRequest('Idempotency-Key must be 1 to 200 visible ASCII characters, given once');
  }
  return value;
}

/** A request's fingerprint for its idempotency key: sha256 hex of its parts, in order. */
export function requestFingerprint(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
