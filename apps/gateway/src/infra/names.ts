import { BadRequest } from '@jobserver/protocol';

const NAME_CHARS = /^[A-Za-z0-9._-]+$/;
const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Longest stored context name (ad-hoc ones are `<8 hex>-<classPath>`). */
const MAX_STORED_CONTEXT_NAME = 200;

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

/** Whether `name` could name an uploaded app (a name that could not is not looked up). */
export function isAppName(name: string): boolean {
  return APP_NAME.test(name);
}

/**
 * Whether `name` could name a stored context, named or ad hoc (a name that could not, e.g.
 * one with control characters, is not looked up).
 */
export function isStoredContextName(name: string): boolean {
  return name.length <= MAX_STORED_CONTEXT_NAME && !/\p{Cc}/u.test(name);
}
