import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerConfig } from '@jobserver/config';
import type { ApiKeyService, VerifiedKey } from './api-key.service';
import { Authenticator, SUCCESS_TTL_MS } from './authenticator.service';
import { hashPassword } from './password-hash';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

/** An Authenticator over a config with one user and a key service that knows one token. */
function authenticator() {
  const config = {
    auth: { enabled: true, isolateOwners: false, maxFailures: 10, users: { alice: { passwordHash: hashPassword('pw'), permissions: ['jobs'] } } },
  } as unknown as ServerConfig;
  let revoked: (keyId: string) => void = () => undefined;
  const lookups: string[] = [];
  const keys = {
    onRevoked: (listener: (keyId: string) => void) => (revoked = listener),
    verify: async (token: string): Promise<VerifiedKey | undefined> => {
      lookups.push(token);
      return token === 'jsk_good' ? { principal: { name: 'bob', permissions: ['jobs:read'], keyId: 'k1' }, expires: null } : undefined;
    },
  } as unknown as ApiKeyService;
  return { auth: new Authenticator(config, keys), revoke: (id: string) => revoked(id), lookups };
}

describe('Authenticator', () => {
  afterEach(() => vi.useRealTimers());

  it('verifies Basic credentials once, then answers from the cache until the TTL passes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { auth } = authenticator();
    const header = basic('alice:pw');
    const key = Authenticator.cacheKey(header);
    expect(key).not.toContain('pw');
    expect(auth.cached(key)).toBeUndefined();
    expect(await auth.authenticate(header, key)).toEqual({ name: 'alice', permissions: ['jobs'] });
    expect(auth.cached(key)?.name).toBe('alice');
    vi.setSystemTime(Date.now() + SUCCESS_TTL_MS + 1);
    expect(auth.cached(key)).toBeUndefined();
  });

  it('caches no failure: a wrong password, an unknown user, a malformed header', async () => {
    const { auth } = authenticator();
    for (const header of [basic('alice:wrong'), basic('mallory:pw'), 'Basic !!', 'Digest x']) {
      const key = Authenticator.cacheKey(header);
      expect(await auth.authenticate(header, key)).toBeUndefined();
      expect(auth.cached(key)).toBeUndefined();
    }
  });

  it('shares one check between concurrent first requests with the same credential', async () => {
    const { auth, lookups } = authenticator();
    const header = 'Bearer jsk_good';
    const key = Authenticator.cacheKey(header);
    const answers = await Promise.all([1, 2, 3].map(() => auth.authenticate(header, key)));
    expect(answers.map((p) => p?.name)).toEqual(['bob', 'bob', 'bob']);
    expect(lookups).toEqual(['jsk_good']);
  });

  it('forgets a key the moment it is revoked, and only that key', async () => {
    const { auth, revoke } = authenticator();
    const keyHeader = 'Bearer jsk_good';
    const userHeader = basic('alice:pw');
    await auth.authenticate(keyHeader, Authenticator.cacheKey(keyHeader));
    await auth.authenticate(userHeader, Authenticator.cacheKey(userHeader));
    revoke('k1');
    expect(auth.cached(Authenticator.cacheKey(keyHeader))).toBeUndefined();
    expect(auth.cached(Authenticator.cacheKey(userHeader))?.name).toBe('alice');
  });
});
