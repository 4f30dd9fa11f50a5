import { callbackHostAllowed } from '@jobserver/config';
import { BadRequest } from '@jobserver/protocol';

/** The longest `callbackUrl`, as posted and once normalized (the column's size). */
export const MAX_CALLBACK_URL_LENGTH = 2048;

/**
 * Checks a posted `callbackUrl` (API.md "Completion callbacks") and returns it normalized by
 * WHATWG `URL`: absolute, http or https, with a host, without credentials (they would be stored
 * and shown in the report; receivers authenticate callbacks by `callback-secret`'s signature),
 * at most {@link MAX_CALLBACK_URL_LENGTH} characters, and on an allowed host.
 * @param allowHosts - `callback-allow-hosts` (empty = any host)
 * @throws BadRequest saying which rule failed
 */
export function checkCallbackUrl(raw: string, allowHosts: readonly string[]): string {
  if (raw.length > MAX_CALLBACK_URL_LENGTH) {
    throw new BadRequest(`callbackUrl must be at most ${MAX_CALLBACK_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequest('callbackUrl must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadRequest(`callbackUrl must be an http or https URL, not ${url.protocol}`);
  }
  if (!url.hostname) throw new BadRequest('callbackUrl must name a host');
  if (url.username || url.password) {
    throw new BadRequest(
      'callbackUrl must not hold credentials (user:password@); callbacks are signed with callback-secret',
    );
  }
  if (!callbackHostAllowed(url.hostname, allowHosts)) {
    throw new BadRequest(`callbackUrl host ${url.hostname} is not in callback-allow-hosts`);
  }
  if (url.href.length > MAX_CALLBACK_URL_LENGTH) {
    throw new BadRequest(
      `callbackUrl must be at most ${MAX_CALLBACK_URL_LENGTH} characters once normalized`,
    );
  }
  return url.href;
}
