import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { SERVER_CONFIG } from '../infra/tokens';
import { ApiKeyService } from './api-key.service';
import { parseAuthorization, type Credential } from './credentials';
import { DUMMY_HASH, verifyPassword } from './password-hash';
import type { Principal } from './principal';

/** How long a verified credential is trusted without scrypt or Postgres. */
export const SUCCESS_TTL_MS = 60_000;
const MAX_CACHED = 10_000;

interface Cached {
  readonly principal: Principal;
  readonly until: number;
}

/**
 * Turns an `Authorization` header into a principal. Successes are cached by the sha256 of the
 * header (never the secret itself), so scrypt runs at most once per credential per
 * SUCCESS_TTL_MS; concurrent first requests with one credential share one check.
 */
@Injectable()
export class Authenticator {
  private readonly cache = new Map<string, Cached>();
  private readonly checking = new Map<string, Promise<Principal | undefined>>();

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly keys: ApiKeyService,
  ) {
    keys.onRevoked((keyId) => this.forgetKey(keyId));
  }

  /** The cache key of a header. */
  static cacheKey(header: string): string {
    return createHash('sha256').update(header).digest('base64');
  }

  /** The principal of a recently verified header, without any I/O. */
  cached(cacheKey: string): Principal | undefined {
    const hit = this.cache.get(cacheKey);
    if (hit === undefined) return undefined;
    if (hit.until > Date.now()) return hit.principal;
    this.cache.delete(cacheKey);
    return undefined;
  }

  /** Verifies a header for real (scrypt or an API key lookup); `undefined` = refused. */
  authenticate(header: string, cacheKey: string): Promise<Principal | undefined> {
    const pending = this.checking.get(cacheKey);
    if (pending) return pending;
    const check = this.verify(parseAuthorization(header)).then((verified) => {
      if (verified) this.remember(cacheKey, verified.principal, verified.until);
      return verified?.principal;
    });
    this.checking.set(cacheKey, check);
    return check.finally(() => this.checking.delete(cacheKey));
  }

  private async verify(
    credential: Credential | undefined,
  ): Promise<{ principal: Principal; until: number } | undefined> {
    const until = Date.now() + SUCCESS_TTL_MS;
    if (credential?.scheme === 'bearer') {
      const key = await this.keys.verify(credential.token);
      if (!key) return undefined;
      return {
        principal: key.principal,
        until: key.expires ? Math.min(until, key.expires.getTime()) : until,
      };
    }
    // Unknown users and malformed headers cost one scrypt too, so timing does not tell them apart.
    const user = credential ? this.config.auth.users[credential.user] : undefined;
    const matches = await verifyPassword(
      user?.passwordHash ?? DUMMY_HASH,
      credential?.password ?? '',
    );
    if (!matches || !user || !credential) return undefined;
    return { principal: { name: credential.user, permissions: user.permissions }, until };
  }

  private remember(cacheKey: string, principal: Principal, until: number): void {
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(cacheKey, { principal, until });
  }

  private forgetKey(keyId: string): void {
    for (const [cacheKey, { principal }] of this.cache) if (principal.keyId === keyId) this.cache.delete(cacheKey);
  }
}
