import { normalizeContextSettings } from './context-settings';

/** Context names as API.md allows them: a letter first, then letters, digits and `._-`, ≤ 100 chars. */
const CONTEXT_NAME = /^[A-Za-z][A-Za-z0-9._-]{0,99}$/;

/**
 * Reads the `contexts { <name> { <settings> } }` block of the server config: the contexts the
 * scheduler creates at start and recreates when their worker dies. Each setting is checked on
 * its own (over the server's `context-defaults`), so that every problem of every context is
 * listed, not only the first.
 * @param problems - receives one message per bad name or setting
 * @returns the settings of each context as given (normalized), frozen; `{}` when there is no block
 */
export function toConfiguredContexts(
  value: unknown,
  defaults: Record<string, unknown>,
  problems: string[],
): Readonly<Record<string, Readonly<Record<string, unknown>>>> {
  if (value === undefined) return Object.freeze({});
  if (!isObject(value)) {
    problems.push('contexts must be an object of context names to their settings');
    return Object.freeze({});
  }
  const contexts: Record<string, Readonly<Record<string, unknown>>> = {};
  for (const [name, settings] of Object.entries(value)) {
    if (!CONTEXT_NAME.test(name)) {
      problems.push(`contexts.${name}: a context name starts with a letter and holds only letters, digits and ._- (at most 100)`);
    }
    if (!isObject(settings)) {
      problems.push(`contexts.${name} must be an object of context settings`);
      continue;
    }
    const before = problems.length;
    for (const [key, setting] of Object.entries(settings)) {
      try {
        normalizeContextSettings(defaults, { [key]: setting });
      } catch (error) {
        problems.push(`contexts.${name}: ${(error as Error).message}`);
      }
    }
    if (problems.length === before) contexts[name] = Object.freeze(normalizeContextSettings(settings));
  }
  return Object.freeze(contexts);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
