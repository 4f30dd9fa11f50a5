/** Credentials: an API key (`Authorization: Bearer`) or a configured user (`Authorization: Basic`). */
export type Credentials = { token: string } | { user: string; password: string };

/** How idempotent calls are retried on 503 and on connection errors. */
export interface RetryPolicy {
  /**
   * Attempts in all (1 = no retry).
   * @defaultValue 5
   */
  attempts: number;
  /**
   * First wait; each next one doubles, with jitter.
   * @defaultValue 250
   */
  baseDelayMs: number;
  /**
   * Longest wait between attempts (a `Retry-After` is honoured up to it).
   * @defaultValue 5000
   */
  maxDelayMs: number;
}

/** Options of {@link JobserverClient}. */
export interface ClientOptions {
  /** The server, e.g. `http://127.0.0.1:8090` (a path prefix is kept). */
  url: string;
  /** Credentials when the server has auth on. @defaultValue none */
  auth?: Credentials;
  /** Retries of idempotent calls (GET, HEAD, PUT, DELETE); POSTs are never retried. */
  retry?: Partial<RetryPolicy>;
  /** Extra headers on every request (e.g. `user-agent`). */
  headers?: Record<string, string>;
  /** The fetch to use. @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({ attempts: 5, baseDelayMs: 250, maxDelayMs: 5000 });

/** The `Authorization` header of the credentials, if any. */
export function authorizationHeader(auth: Credentials | undefined): string | undefined {
  if (!auth) return undefined;
  if ('token' in auth) return `Bearer ${auth.token}`;
  // UTF-8, then base64 (btoa takes Latin-1 only); works in browsers too.
  const bytes = new TextEncoder().encode(`${auth.user}:${auth.password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}
