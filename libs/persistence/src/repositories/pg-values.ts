/**
 * JSON escapes jsonb refuses: `\u0000` ("unsupported Unicode escape sequence") and a lone
 * surrogate (JSON.stringify writes one as `\udXXX`; a pair it writes as the character itself).
 * Matched only after an even number of backslashes, i.e. as an escape, not as escaped text.
 */
const REFUSED_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

/**
 * `value` as JSON text for a `jsonb` parameter. Postgres' jsonb holds no U+0000 and no lone
 * surrogate: each becomes U+FFFD (the replacement character), so that what user code wrote (a
 * log line, an error message, a statement's output) is stored instead of failing the statement
 * that records it, which left jobs RUNNING for good.
 */
export function jsonbParam(value: unknown): string {
  return JSON.stringify(value).replace(REFUSED_ESCAPE, '$1\\ufffd');
}

/** `text` for a `text` parameter: Postgres' text holds no U+0000, which becomes U+FFFD. */
export function textParam(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\ufffd') : text;
}
