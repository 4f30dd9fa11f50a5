import { BadRequest } from '@jobserver/protocol';

/** The longest `?wait=` honoured, in seconds (a client that wants longer polls). */
export const MAX_WAIT_SECONDS = 300;

/**
 * The code of `POST /contexts/<name>/statements`: `{"code": "…"}`, or the whole body when it is
 * not a JSON object (curl `-d '1 + 1'`). Bounded by `maxBytes` before it is parsed.
 * @throws BadRequest for an empty or oversized code, one with U+0000, or a JSON object without a string `code`
 */
export function statementCode(body: string, maxBytes: number): string {
  if (Buffer.byteLength(body) > maxBytes) throw new BadRequest(`statement is larger than config-max-size (${maxBytes} bytes)`);
  const object = jsonObject(body);
  if (object !== undefined && typeof object.code !== 'string') throw new BadRequest('"code" must be a string');
  const code = object === undefined ? body : (object.code as string);
  if (code.trim() === '') throw new BadRequest('code is empty');
  // Stored as text, which cannot hold U+0000 (and JavaScript source has no use for it outside strings, which can write \0).
  if (code.includes('\0')) throw new BadRequest('code holds a NUL character (U+0000): write it as \\0 in a string');
  return code;
}

/** `{"code", "cursor"}` of `POST /contexts/<name>/completion`; cursor defaults to the end of the code. @throws BadRequest */
export function completionRequest(body: string, maxBytes: number): { code: string; cursor: number } {
  if (Buffer.byteLength(body) > maxBytes) throw new BadRequest(`completion request is larger than config-max-size (${maxBytes} bytes)`);
  const object = jsonObject(body);
  if (!object || typeof object.code !== 'string') throw new BadRequest('body must be {"code": string, "cursor"?: integer}');
  const cursor = object.cursor ?? object.code.length;
  if (typeof cursor !== 'number' || !Number.isInteger(cursor) || cursor < 0) throw new BadRequest('"cursor" must be a non-negative integer');
  return { code: object.code, cursor };
}

/** `?wait=<seconds>` in ms (0 when absent). @throws BadRequest when it is not a number in 0…300 */
export function waitMs(wait: string | undefined): number {
  if (wait === undefined || wait === '') return 0;
  const seconds = Number(wait);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_WAIT_SECONDS) {
    throw new BadRequest(`wait must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}`);
  }
  return Math.round(seconds * 1000);
}

/** A statement id of the path. @throws BadRequest when it is not a non-negative integer */
export function statementId(id: string): number {
  if (!/^\d{1,9}$/u.test(id)) throw new BadRequest(`statement id must be a non-negative integer up to 999999999, not ${id.slice(0, 50)}`);
  return Number(id);
}

function jsonObject(body: string): Record<string, unknown> | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // Not JSON: code that happens to start with a brace (a block statement).
    return undefined;
  }
}
