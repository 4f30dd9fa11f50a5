import { BadRequest } from '@jobserver/protocol';

const NAME_CHARS = /^[A-Za-z0-9._-]+$/;

/**
 * Checks an app or context name: `first` rule for the first character, then letters, digits
 * and `._-`, at most 100 characters.
 * @throws BadRequest naming the rule that failed
 */
export function assertName(name: string, what: string, first: RegExp, firstRule: string): void {
  if (!first.test(name)) throw new BadRequest(`${what} must ${firstRule}: ${name}`);
  if (!NAME_CHARS.test(name)) throw new BadRequest(`${what} may only contain letters, digits and ._-: ${name}`);
  if (name.length > 100) throw new BadRequest(`${what} must be at most 100 characters`);
}

/** Context names start with a letter (API.md). */
export function assertContextName(name: string): void {
  if (!/^[A-Za-z]/.test(name)) throw new BadRequest(`context name must start with letters: ${name}`);
  assertName(name, 'context name', /^[A-Za-z]/, 'start with a letter');
}
