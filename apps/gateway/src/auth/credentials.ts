/** What an `Authorization` header carries, once it is well-formed. */
export type Credential =
  | { readonly scheme: 'basic'; readonly user: string; readonly password: string }
  | { readonly scheme: 'bearer'; readonly token: string };

/** Longer headers are refused before any decoding (no real credential is this long). */
export const MAX_AUTHORIZATION_LENGTH = 4096;

const BASIC = /^basic +([A-Za-z0-9+/]+={0,2})$/i;
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
// Control characters have no place in a user name or password.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Parses `Authorization: Basic <base64 user:password>` or `Bearer <token>`; anything else
 * (no scheme, unknown scheme, bad base64, no colon, empty user, over the length limit) is
 * `undefined`, which the guard answers with 401.
 */
export function parseAuthorization(header: string): Credential | undefined {
  if (header.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  const basic = BASIC.exec(header);
  if (basic) return parseBasic(basic[1]);
  const bearer = BEARER.exec(header);
  return bearer ? { scheme: 'bearer', token: bearer[1] } : undefined;
}

function parseBasic(encoded: string): Credential | undefined {
  if (encoded.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  const text = bytes.toString('utf8');
  // Bytes that are not UTF-8 decode to U+FFFD and would not round-trip: refuse them.
  if (!Buffer.from(text, 'utf8').equals(bytes) || CONTROL.test(text)) return undefined;
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { scheme: 'basic', user: text.slice(0, colon), password: text.slice(colon + 1) };
}
