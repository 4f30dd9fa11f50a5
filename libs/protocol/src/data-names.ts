/**
 * Names of data files (`/data`). A prefix follows the app-name rule: letters, digits and `._-`,
 * starting with a letter or digit, at most 100 characters. A stored filename is
 * `<prefix>-<ISO time>.dat`, or `<prefix>-<ISO time>-<n>.dat` when two uploads of one prefix
 * land in the same millisecond.
 */
const PREFIX_CHARS = /^[A-Za-z0-9._-]+$/;
const FILENAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** The longest prefix. */
export const MAX_DATA_PREFIX = 100;

/** What is wrong with a `/data/<prefix>` prefix, or null when it is valid. */
export function dataPrefixProblem(prefix: string): string | null {
  const shown = JSON.stringify(prefix.length > 40 ? `${prefix.slice(0, 40)}…` : prefix);
  if (prefix.length === 0) return 'data file prefix must not be empty';
  if (prefix.length > MAX_DATA_PREFIX) return `data file prefix must be at most ${MAX_DATA_PREFIX} characters`;
  if (!PREFIX_CHARS.test(prefix)) return `data file prefix may only contain letters, digits and ._-: ${shown}`;
  if (!/^[A-Za-z0-9]/.test(prefix)) return `data file prefix must start with a letter or digit: ${shown}`;
  return null;
}

/**
 * The filename of an upload of `prefix` at `time`; `attempt` > 0 adds a suffix (a retry after the
 * same name was taken).
 */
export function dataFilename(prefix: string, time: Date, attempt = 0): string {
  return `${prefix}-${time.toISOString()}${attempt > 0 ? `-${attempt}` : ''}.dat`;
}

/** Whether `name` could name a stored data file (one that could not is not looked up). */
export function isDataFilename(name: string): boolean {
  return FILENAME.test(name);
}
