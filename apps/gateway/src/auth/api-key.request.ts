import { isPermission, parseDurationMs, unknownPermissions, type Permission } from '@jobserver/config';
import { BadRequest } from '@jobserver/protocol';

/** What `POST /auth/keys` asks for. */
export interface KeyRequest {
  name: string;
  permissions: Permission[];
  expiresAt: Date | null;
}

const MAX_BODY = 64 * 1024;
const FIELDS = new Set(['name', 'permissions', 'expires']);
const ISO_TIME = /^\d{4}-\d\d-\d\dT/;

/**
 * Reads `{"name", "permissions", "expires"?}`; `expires` is an ISO-8601 time or a duration from
 * now (`30d`, `12h`). @throws BadRequest naming what is wrong
 */
export function parseKeyRequest(text: string, now = Date.now()): KeyRequest {
  if (text.length > MAX_BODY) throw new BadRequest(`the body is over ${MAX_BODY} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('the body must be a JSON object {"name", "permissions", "expires"?}');
  }
  const fields = body as Record<string, unknown>;
  const extra = Object.keys(fields).filter((key) => !FIELDS.has(key));
  if (extra.length) throw new BadRequest(`unknown field ${extra.join(', ')}`);
  const { name, permissions } = fields;
  if (typeof name !== 'string' || name.length < 1 || name.length > 100) {
    throw new BadRequest('name must be a string of 1 to 100 characters');
  }
  if (!Array.isArray(permissions) || permissions.length === 0 || permissions.some((p) => typeof p !== 'string')) {
    throw new BadRequest('permissions must be a non-empty list of permission names');
  }
  const unknown = unknownPermissions(permissions as string[]);
  if (unknown.length) throw new BadRequest(`unknown permission ${unknown.join(', ')}`);
  return { name, permissions: [...new Set(permissions.filter(isPermission))], expiresAt: expiresAt(fields.expires, now) };
}

function expiresAt(value: unknown, now: number): Date | null {
  if (value === undefined || value === null) return null;
  const at =
    typeof value === 'string' && ISO_TIME.test(value) ? Date.parse(value) : now + (parseDurationMs(value) ?? NaN);
  if (!Number.isFinite(at)) throw new BadRequest('expires must be an ISO-8601 time or a duration like 30d');
  if (at <= now) throw new BadRequest('expires must be in the future');
  return new Date(at);
}
