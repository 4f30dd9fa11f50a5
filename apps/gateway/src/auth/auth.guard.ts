import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { grants, type Permission, type ServerConfig } from '@jobserver/config';
import { AuthenticationRequired, PermissionRequired } from '@jobserver/protocol';
import type { FastifyRequest } from 'fastify';
import { SERVER_CONFIG } from '../infra/tokens';
import { ApiKeyService } from './api-key.service';
import { Authenticator } from './authenticator.service';
import { FailureLimiter } from './failure-limiter.service';
import { AUTHENTICATED, PERMISSION_KEY, PUBLIC } from './permission.decorator';
import { PRINCIPAL, type Principal } from './principal';

/** The one `Authorization` header of a request: `undefined` if none, `null` if several. */
function authorizationOf(request: FastifyRequest): string | undefined | null {
  const raw = request.raw.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === 13 && raw[i].toLowerCase() === 'authorization') {
      if (value !== undefined) return null;
      value = raw[i + 1];
    }
  }
  return value;
}

/**
 * The one place permissions are checked (API.md "Authentication and permissions"): every route
 * declares `@RequiresPermission(…)`, `@Authenticated()` (any principal) or `@Public()`; a route
 * without a declaration needs `*`.
 * With auth off it returns at once, no I/O; with auth on a recently verified credential costs a
 * sha256 and a map lookup, and only a cache miss awaits scrypt or Postgres.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly enabled: boolean;

  constructor(
    @Inject(SERVER_CONFIG) config: ServerConfig,
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly limiter: FailureLimiter,
    private readonly keys: ApiKeyService,
  ) {
    this.enabled = config.auth.enabled;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.enabled) return true;
    const declared =
      this.reflector.get<string | undefined>(PERMISSION_KEY, context.getHandler()) ?? '*';
    if (declared === PUBLIC) return true;
    const needed = declared === AUTHENTICATED ? undefined : (declared as Permission);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    this.limiter.assertNotBlocked(request.ip);
    const header = authorizationOf(request);
    // No credentials at all is a first request, not a guess: 401 without counting a failure.
    if (header === undefined) throw new AuthenticationRequired();
    if (header === null) return this.refuse(request.ip);
    const cacheKey = Authenticator.cacheKey(header);
    const principal = this.authenticator.cached(cacheKey);
    if (principal) {
      if (principal.keyId !== undefined) this.keys.markUsed(principal.keyId);
      return admit(request, principal, needed);
    }
    return this.verify(request, header, cacheKey, needed);
  }

  private async verify(
    request: FastifyRequest,
    header: string,
    cacheKey: string,
    needed: Permission | undefined,
  ): Promise<boolean> {
    await this.limiter.assertAllowed(request.ip);
    const principal = await this.authenticator.authenticate(header, cacheKey);
    if (!principal) return this.refuse(request.ip);
    return admit(request, principal, needed);
  }

  private async refuse(address: string): Promise<never> {
    await this.limiter.recordFailure(address);
    throw new AuthenticationRequired();
  }
}

/** Leaves the principal on the request if it holds `needed` (any principal when undefined). */
function admit(request: FastifyRequest, principal: Principal, needed: Permission | undefined): true {
  if (needed !== undefined && !grants(principal.permissions, needed)) throw new PermissionRequired(needed);
  (request as unknown as Record<symbol, Principal>)[PRINCIPAL] = principal;
  return true;
}
