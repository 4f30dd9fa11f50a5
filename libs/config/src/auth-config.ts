import { unknownPermissions, type Permission } from './permissions';

/** One user of the server config (`auth.users.<name>`). */
export interface AuthUser {
  /** `scrypt:<salt hex>:<key hex>`, the key being `crypto.scryptSync(password, salt, 64)`. */
  readonly passwordHash: string;
  readonly permissions: readonly Permission[];
}

/** `auth { … }` of the server config (API.md "Authentication and permissions"). */
export interface AuthConfig {
  /** @defaultValue false */
  readonly enabled: boolean;
  /** @defaultValue {} */
  readonly users: Readonly<Record<string, AuthUser>>;
  /** Principals without `*` see and act only on their own contexts and jobs. @defaultValue false */
  readonly isolateOwners: boolean;
  /** Failed authentications per client address and minute before 429. @defaultValue 10 */
  readonly maxFailures: number;
}

/** The shape of a password hash: 16+ bytes of salt, a 64-byte scrypt key. */
export const PASSWORD_HASH = /^scrypt:((?:[0-9a-f]{2}){16,}):((?:[0-9a-f]{2}){64})$/;

const AUTH_KEYS = new Set(['enabled', 'users', 'isolate-owners', 'max-failures']);
const USER_KEYS = new Set(['password-hash', 'permissions']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toBool(value: unknown, key: string, problems: string[]): boolean {
  const v = String(value);
  if (v !== 'true' && v !== 'false') problems.push(`${key} must be true or false`);
  return v === 'true';
}

function toUser(name: string, raw: unknown, problems: string[]): AuthUser {
  const at = `auth.users.${name}`;
  if (!isObject(raw)) {
    problems.push(`${at} must be an object { password-hash, permissions }`);
    return { passwordHash: '', permissions: [] };
  }
  for (const key of Object.keys(raw)) if (!USER_KEYS.has(key)) problems.push(`${at}: unknown key ${key}`);
  const hash = raw['password-hash'];
  if (typeof hash !== 'string' || !PASSWORD_HASH.test(hash)) {
    problems.push(`${at}.password-hash must be scrypt:<salt hex>:<key hex> (npm run hash-password)`);
  }
  const permissions = raw.permissions ?? [];
  if (!Array.isArray(permissions) || permissions.some((p) => typeof p !== 'string')) {
    problems.push(`${at}.permissions must be a list of permission names`);
    return { passwordHash: String(hash), permissions: [] };
  }
  const unknown = unknownPermissions(permissions as string[]);
  if (unknown.length) problems.push(`${at}.permissions: unknown permission ${unknown.join(', ')}`);
  return Object.freeze({ passwordHash: String(hash), permissions: Object.freeze([...permissions]) as Permission[] });
}

/** Validates `auth { … }`, pushing every problem onto `problems`. */
export function toAuthConfig(raw: unknown, problems: string[]): AuthConfig {
  const auth = raw ?? {};
  if (!isObject(auth)) {
    problems.push('auth must be an object');
    return { enabled: false, users: {}, isolateOwners: false, maxFailures: 10 };
  }
  for (const key of Object.keys(auth)) if (!AUTH_KEYS.has(key)) problems.push(`auth: unknown key ${key}`);
  const rawUsers = auth.users ?? {};
  const users: Record<string, AuthUser> = {};
  if (!isObject(rawUsers)) problems.push('auth.users must be an object of users');
  else for (const [name, user] of Object.entries(rawUsers)) users[name] = toUser(name, user, problems);
  const maxFailures = Number(auth['max-failures'] ?? 10);
  if (!Number.isInteger(maxFailures) || maxFailures < 1) problems.push('auth.max-failures must be an integer ≥ 1');
  return Object.freeze({
    enabled: toBool(auth.enabled ?? false, 'auth.enabled', problems),
    users: Object.freeze(users),
    isolateOwners: toBool(auth['isolate-owners'] ?? false, 'auth.isolate-owners', problems),
    maxFailures,
  });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** The warning to log at start when the gateway listens beyond loopback with auth off. */
export function exposureWarning(config: { host: string; auth: AuthConfig }): string | undefined {
  if (config.auth.enabled || LOOPBACK.test(config.host)) return undefined;
  return `auth is off and the gateway listens on ${config.host}: anyone who reaches the port can run code (set auth.enabled = true, or host = 127.0.0.1)`;
}
