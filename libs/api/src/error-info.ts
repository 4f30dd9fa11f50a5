/** The error object of API.md: `{message, errorClass, stack}`, and `retryable` when the job said so. */
export interface ErrorInfo {
  message: string;
  errorClass: string;
  stack: string[];
  /**
   * Present (`true`) only when the thrown error had `retryable: true`: the job asks to be run
   * again, which the server does if the job was submitted with `retries=<n>` and has attempts left.
   */
  retryable?: true;
}

/**
 * Turns anything thrown into an {@link ErrorInfo} (errorClass = the error's `name`). An error
 * with `retryable: true` (exactly `true`) keeps that flag. Never throws, whatever user code threw
 * (fields of the wrong type, getters that throw, objects without a prototype): it runs where a
 * throw would end the executor thread or leave a job without an end.
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  const isObject = typeof error === 'object' && error !== null;
  if (isObject && (error instanceof Error || 'message' in error)) {
    const e = error as { message?: unknown; name?: unknown; stack?: unknown; retryable?: unknown };
    const name = field(e, 'name');
    const stack = field(e, 'stack');
    const info: ErrorInfo = {
      message: printable(field(e, 'message', error)),
      errorClass: typeof name === 'string' && name !== '' ? name : 'Error',
      stack: typeof stack === 'string' ? frames(stack) : [],
    };
    return retryableFlag(e) ? { ...info, retryable: true } : info;
  }
  return { message: printable(error), errorClass: 'Error', stack: [] };
}

/** The `at …` lines of a stack, trimmed. */
function frames(stack: string): string[] {
  return stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
}

/** A property of a thrown value; `otherwise` when its getter throws. */
function field(value: object, key: string, otherwise?: unknown): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return otherwise;
  }
}

/** `String(value)`, or `[object …]` for a value that cannot be converted (no prototype, a throwing toString). */
function printable(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * An error a job throws to ask to be run again (a transient failure: a service that did not
 * answer, a lock it did not get). The server retries it only if the job was submitted with
 * `retries=<n>` and has attempts left; any error with `retryable: true` does the same.
 *
 * @example
 * ```ts
 * if (response.status === 503) throw new RetryableError('the catalog service is unavailable');
 * ```
 */
export class RetryableError extends Error {
  readonly retryable = true as const;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RetryableError';
  }
}

/** Whether a thrown error asks to be retried; a getter that throws counts as no. */
function retryableFlag(error: { retryable?: unknown }): boolean {
  try {
    return error.retryable === true;
  } catch {
    return false;
  }
}

/** An {@link ErrorInfo} with no stack, for errors the server itself reports. */
export function errorInfo(errorClass: string, message: string): ErrorInfo {
  return { message, errorClass, stack: [] };
}

const MAX_ERROR_CLASS_LENGTH = 200;
const utf8Bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** `20.0 MB`, `12.5 KB`, `300 B` (binary units), for notes on cut text. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** The longest prefix of `text` whose JSON form takes at most `maxBytes`. */
function prefixWithin(text: string, maxBytes: number): string {
  let cut = text.slice(0, Math.max(0, maxBytes));
  while (cut.length > 0 && utf8Bytes(cut) > maxBytes) {
    const over = utf8Bytes(cut) - maxBytes;
    cut = cut.slice(0, Math.max(0, cut.length - Math.max(1, Math.ceil(over / 2))));
  }
  // Never end on half a surrogate pair.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * Caps an error object to about `maxBytes` of JSON (`max-error-size`), so that what user code
 * threw is never stored or published whole when huge. A message over its share is cut and ends
 * with a note saying so (`… (truncated: 20.0 MB message)`); stack frames are kept, in order,
 * while they fit. An error within the limit is returned as is.
 *
 * @param info - the error object
 * @param maxBytes - the limit of its JSON form, at least 1 KiB
 */
export function capErrorInfo(info: ErrorInfo, maxBytes: number): ErrorInfo {
  if (utf8Bytes(info) <= maxBytes) return info;
  const capped = capErrorText(info, maxBytes - (info.retryable ? utf8Bytes({ retryable: true }) : 0));
  return info.retryable ? { ...capped, retryable: true } : capped;
}

function capErrorText(info: ErrorInfo, maxBytes: number): ErrorInfo {
  const errorClass = String(info.errorClass).slice(0, MAX_ERROR_CLASS_LENGTH);
  const budget = maxBytes - utf8Bytes({ message: '', errorClass, stack: [] });
  const frames = info.stack.map(String);
  const framesBytes = frames.reduce((sum, frame) => sum + utf8Bytes(frame) + 1, 0);
  let message = String(info.message);
  const messageBytes = utf8Bytes(message);
  // The frames may keep up to a quarter of the budget from a message that does not fit.
  const messageBudget = messageBytes + framesBytes <= budget ? messageBytes : budget - Math.min(framesBytes, Math.floor(budget / 4));
  if (messageBytes > messageBudget) {
    const note = `… (truncated: ${sizeText(Buffer.byteLength(message, 'utf8'))} message)`;
    message = prefixWithin(message, messageBudget - utf8Bytes(note)) + note;
  }
  let left = budget - utf8Bytes(message);
  const stack: string[] = [];
  for (const frame of frames) {
    const cost = utf8Bytes(frame) + 1;
    if (cost > left) break;
    stack.push(frame);
    left -= cost;
  }
  return { message, errorClass, stack };
}
