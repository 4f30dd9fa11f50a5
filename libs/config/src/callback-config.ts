import { parseDurationMs } from './units';

/** Completion-callback delivery (API.md "Completion callbacks"), read by gateways and schedulers. */
export interface CallbackConfig {
  /**
   * Key of the `X-Jobserver-Signature` HMAC-SHA256 of each body; none = unsigned. A secret:
   * never logged, never handed to context workers. @defaultValue none
   */
  readonly secret: string | undefined;
  /** Attempts in all before a callback is FAILED (1…{@link MAX_CALLBACK_ATTEMPTS}). @defaultValue 5 */
  readonly attempts: number;
  /** Wait between two attempts. @defaultValue 10 s */
  readonly retryDelayMs: number;
  /** An attempt not answered by then counts as failed (no status). @defaultValue 10 s */
  readonly timeoutMs: number;
  /**
   * Hosts a `callbackUrl` may name: exact names, or `*.example.com` for its subdomains (an SSRF
   * guard, see docs/security.md). Empty = any host. @defaultValue none (any)
   */
  readonly allowHosts: readonly string[];
}

/** The most attempts `callback-attempts` may ask for (each can take `callback-timeout`). */
export const MAX_CALLBACK_ATTEMPTS = 100;
/** The longest `callback-retry-delay` / `callback-timeout`: 1 hour. */
const MAX_CALLBACK_WAIT_MS = 3_600_000;

const HOST_PATTERN =
  /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/;

/**
 * Reads the `callback-*` keys; every problem goes to `problems`.
 * @param s - the raw settings (defaults, file, env)
 */
export function toCallbackConfig(s: Record<string, unknown>, problems: string[]): CallbackConfig {
  const attempts = Number(s['callback-attempts']);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > MAX_CALLBACK_ATTEMPTS) {
    problems.push(`callback-attempts must be an integer from 1 to ${MAX_CALLBACK_ATTEMPTS}`);
  }
  const wait = (key: string, min: number) => {
    const ms = parseDurationMs(s[key]);
    if (ms === null || ms < min || ms > MAX_CALLBACK_WAIT_MS)
      problems.push(`${key} must be a duration from ${min}ms to 1h`);
    return ms ?? 0;
  };
  const secret = s['callback-secret'];
  if (secret !== undefined && String(secret).length === 0)
    problems.push('callback-secret may not be empty');
  return Object.freeze({
    secret: secret === undefined ? undefined : String(secret),
    attempts,
    retryDelayMs: wait('callback-retry-delay', 0),
    timeoutMs: wait('callback-timeout', 1),
    allowHosts: allowHosts(s['callback-allow-hosts'], problems),
  });
}

/** A list (array, or comma-separated text) of host names, lower-cased. */
function allowHosts(value: unknown, problems: string[]): readonly string[] {
  const hosts = (Array.isArray(value) ? value.map(String) : String(value ?? '').split(','))
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  const bad = hosts.filter((host) => !HOST_PATTERN.test(host));
  if (bad.length) problems.push(`callback-allow-hosts holds invalid host names: ${bad.join(', ')}`);
  return Object.freeze(hosts);
}

/**
 * Whether `hostname` (as WHATWG `URL` gives it: lower case, IPv6 in brackets) is allowed: any
 * host when the list is empty, else an exact entry or a `*.` entry it is a subdomain of.
 */
export function callbackHostAllowed(hostname: string, allow: readonly string[]): boolean {
  if (!allow.length) return true;
  return allow.some((entry) =>
    entry.startsWith('*.') ? hostname.endsWith(entry.slice(1)) : hostname === entry,
  );
}
