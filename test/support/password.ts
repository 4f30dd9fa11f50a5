import { randomBytes, scryptSync } from 'node:crypto';

/** A `password-hash` of the server config (API.md: `scrypt:<salt hex>:<key hex>`). */
export function passwordHash(password: string): string {
  const salt = randomBytes(16);
  return `scrypt:${salt.toString('hex')}:${scryptSync(password, salt, 64).toString('hex')}`;
}

/** `JOBSERVER_AUTH` turning auth on with the given users (each with its permissions), all with `password`. */
export function authEnv(password: string, users: Record<string, string[]>): Record<string, string> {
  const hash = passwordHash(password);
  const entries = Object.entries(users).map(([user, permissions]) => [user, { 'password-hash': hash, permissions }]);
  return { JOBSERVER_AUTH: JSON.stringify({ enabled: true, users: Object.fromEntries(entries) }) };
}
